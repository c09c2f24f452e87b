namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// How <see cref="EngineModel"/> serves an instance folder. Settings left <see langword="null"/> come from the
/// folder's state file (<see cref="EngineModel.StateFileName"/>) when an earlier model saved one, else from the
/// folder itself, else from the documented default. Set values are saved to the state file, so a later process
/// opening the same folder without options continues with them.
/// </summary>
public sealed class EngineModelOptions
{
    /// <summary>The three-letter log base name (<c>JET_paramBaseName</c>). Default: <c>edb</c>.</summary>
    public string? BaseName { get; set; }

    /// <summary>
    /// Whether circular logging is on (<c>JET_paramCircularLog</c>); with it, incremental backups fail with
    /// <c>JET_errInvalidBackup</c>. Default: off.
    /// </summary>
    public bool? CircularLogging { get; set; }

    /// <summary>
    /// The log extension, <c>.log</c> (legacy ESE98 names) or <c>.jtx</c>. Default: <c>.jtx</c> when the folder's
    /// current log is <c>&lt;base&gt;.jtx</c>, else <c>.log</c>.
    /// </summary>
    public string? LogExtension { get; set; }

    /// <summary>
    /// Whether archived log names use 5 hex digits up to generation 0xFFFFF (<c>JET_bitEightDotThreeSoftCompat</c>,
    /// e.g. <c>edb00083.log</c>) instead of always 8. Default: as the folder's archived logs are named; with none,
    /// on for <c>.log</c> and off for <c>.jtx</c>.
    /// </summary>
    public bool? EightDotThreeLogNames { get; set; }

    /// <summary>
    /// The database page size (<c>JET_paramDatabasePageSize</c>) read buffers must be multiples of. Default: the
    /// first database's header (offset 236), or 4096 when there is no database.
    /// </summary>
    public int? PageSize { get; set; }

    /// <summary>
    /// The attached databases (full paths, or paths relative to the instance folder). Default: every ESE database
    /// file in the folder tree (header magic 0x89abcdef at offset 4, file type database).
    /// </summary>
    public IReadOnlyList<string>? Databases { get; set; }

    /// <summary>
    /// How databases are attached, by full path or path relative to the instance folder; a database not named is
    /// <see cref="DatabaseAttachment.Logged"/>. Default: every database logged.
    /// </summary>
    public IReadOnlyDictionary<string, DatabaseAttachment>? Attachments { get; set; }

    /// <summary>
    /// Whether the checkpoint moves to the new generation at the backup's log roll, as on an instance whose pages
    /// were all flushed the moment the roll happened: truncation then deletes every archived log, including the one
    /// just copied. Default: off (<see cref="DefaultCheckpointFollowsRoll"/>): the engine computes the delete range
    /// from the checkpoint as it is when the logs are prepared (ese-backup-api.md §5.8, step 5), which lags behind
    /// the roll, so the generation copied last stays and the next incremental copies it again. Off, the checkpoint
    /// moves only with a <see cref="Workload"/>.
    /// </summary>
    public bool? CheckpointFollowsRoll { get; set; }

    /// <summary>The default of <see cref="CheckpointFollowsRoll"/>: off, the checkpoint lags behind the roll.</summary>
    public const bool DefaultCheckpointFollowsRoll = false;

    /// <summary>
    /// Whether ReadFile checks every database page's checksum as the engine does (a bad page gives
    /// <c>JET_errReadVerifyFailure</c>). Default: on. Off only to measure the caller's own speed; injected
    /// corruptions are still detected. Not saved to the state file.
    /// </summary>
    public bool VerifyPages { get; set; } = true;

    /// <summary>
    /// Whether the model keeps <see cref="EngineModel.Calls"/>. Default: on. Off for long speed runs, where one
    /// record per ReadFile would make memory grow with the database size. Not saved to the state file.
    /// </summary>
    public bool RecordCalls { get; set; } = true;

    /// <summary>
    /// A live workload run while backups are served (pages rewritten, logs rolled, the checkpoint advancing behind
    /// the tip), or <see langword="null"/> for an instance where nothing changes. Default: none. Not saved to the
    /// state file.
    /// </summary>
    public LiveWorkload? Workload { get; set; }

    /// <summary>
    /// The handle OpenFile returns. Default: <see cref="DefaultFileHandle"/>, the slot index the published source
    /// returns (ese-backup-api.md §5.1); whether shipped esent.dll also returns 0 is UNCONFIRMED, so a caller must
    /// neither treat 0 as invalid nor assume it: set another value to test that. Not saved to the state file.
    /// </summary>
    public nint FileHandle { get; set; } = DefaultFileHandle;

    /// <summary>The default of <see cref="FileHandle"/>: 0 (<c>crhfMax = 1</c>, the handle is the slot index).</summary>
    public const int DefaultFileHandle = 0;

    /// <summary>Faults to inject. Default: none. Not saved to the state file.</summary>
    public EngineFaults Faults { get; set; } = new();

    /// <summary>The clock for log creation times and backup marks. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
