namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// A deterministic workload the model runs while it serves a backup, so the instance is live as an online backup
/// finds it: every <see cref="ReadsPerStep"/> ReadFile calls one step runs before the read, and
/// <see cref="EngineModel.RunWorkload"/> runs steps between backups. A step rewrites <see cref="PagesPerStep"/>
/// pages of each database in place (the page's DBTIME advances and its checksum is resealed; uninitialized and
/// damaged pages are left alone), and every <see cref="StepsPerLogRoll"/> steps the databases grow by
/// <see cref="PagesAddedPerLogRoll"/> pages, the log rolls to a new generation and the checkpoint advances to <see cref="CheckpointLag"/> generations behind the new tip (never backwards).
/// With circular logging and no backup running, archived logs below the checkpoint are deleted, as the engine does.
/// The engine's range lock (ese-backup-api.md §5.13) is respected: a step never runs during a read, so the pages a
/// read returns are never torn; pages already streamed may be rewritten (the logs from the checkpoint at Begin
/// replay them at restore). Nothing depends on wall-clock time or threads: the same calls give the same folder.
/// </summary>
public sealed class LiveWorkload
{
    /// <summary>The default of <see cref="ReadsPerStep"/>.</summary>
    public const int DefaultReadsPerStep = 2;

    /// <summary>The default of <see cref="PagesPerStep"/>.</summary>
    public const int DefaultPagesPerStep = 3;

    /// <summary>The default of <see cref="StepsPerLogRoll"/>.</summary>
    public const int DefaultStepsPerLogRoll = 2;

    /// <summary>The default of <see cref="PagesAddedPerLogRoll"/>.</summary>
    public const int DefaultPagesAddedPerLogRoll = 2;

    /// <summary>The default of <see cref="CheckpointLag"/>.</summary>
    public const int DefaultCheckpointLag = 1;

    /// <summary>ReadFile calls per workload step (database and log reads alike). Default <see cref="DefaultReadsPerStep"/>.</summary>
    public int ReadsPerStep { get; init; } = DefaultReadsPerStep;

    /// <summary>Pages of each database rewritten per step. Default <see cref="DefaultPagesPerStep"/>.</summary>
    public int PagesPerStep { get; init; } = DefaultPagesPerStep;

    /// <summary>Steps per log roll. Default <see cref="DefaultStepsPerLogRoll"/>.</summary>
    public int StepsPerLogRoll { get; init; } = DefaultStepsPerLogRoll;

    /// <summary>How many generations the checkpoint stays behind the current log after a roll. Default <see cref="DefaultCheckpointLag"/>.</summary>
    public int CheckpointLag { get; init; } = DefaultCheckpointLag;

    /// <summary>
    /// Pages appended (zeroed, as the engine extends a file) to each database at every log roll. A backup streams a
    /// database only up to its size at OpenFile (§5.6: never past <c>PgnoBackupMost</c>); the logs cover the rest.
    /// Default <see cref="DefaultPagesAddedPerLogRoll"/>.
    /// </summary>
    public int PagesAddedPerLogRoll { get; init; } = DefaultPagesAddedPerLogRoll;

    /// <summary>The seed that picks the pages rewritten. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadsPerStep, 1, nameof(ReadsPerStep));
        ArgumentOutOfRangeException.ThrowIfNegative(PagesPerStep, nameof(PagesPerStep));
        ArgumentOutOfRangeException.ThrowIfLessThan(StepsPerLogRoll, 1, nameof(StepsPerLogRoll));
        ArgumentOutOfRangeException.ThrowIfNegative(CheckpointLag, nameof(CheckpointLag));
        ArgumentOutOfRangeException.ThrowIfNegative(PagesAddedPerLogRoll, nameof(PagesAddedPerLogRoll));
    }
}
