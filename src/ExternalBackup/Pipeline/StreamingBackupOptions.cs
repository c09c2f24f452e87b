using ExternalBackup.Engine;

namespace ExternalBackup.Pipeline;

/// <summary>Options of <see cref="StreamingBackup"/>. Every default is stated on its property.</summary>
public sealed record StreamingBackupOptions
{
    /// <summary>The largest page size ESE supports; chunk sizes are multiples of it, so any database's page size divides them.</summary>
    public const int MaxPageSize = 32 * 1024;

    /// <summary>
    /// Bytes asked of <c>JetReadFileInstance</c> per call. Default 1 MiB. Must be a multiple of 32 KiB (so it is a
    /// multiple of every page size) and at least 96 KiB (the engine wants 3 pages in the first read of a database).
    /// </summary>
    public int ChunkSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Chunks read ahead of the sink (the bounded queue between reading and writing). Default 4. Memory used for
    /// buffers is <c>(QueueDepth + 2) × ChunkSize</c>, whatever the database size.
    /// </summary>
    public int QueueDepth { get; init; } = 4;

    /// <summary>
    /// Creates, for each run, the check of every database page and log while streaming, before anything is
    /// committed. Default: <see cref="Verification.EseStreamVerifier"/> (page and log checksums, generations, one log
    /// signature), because the bytes are checked again on this side of the engine before logs are truncated.
    /// <see langword="null"/> turns checking off (the engine still checks the pages it reads).
    /// </summary>
    public Func<IStreamVerifier>? CreateVerifier { get; init; } = static () => new Verification.EseStreamVerifier();

    /// <summary>A <c>JET_PFNSTATUS</c>-style callback: Begin, Progress (percent), Complete or Fail. Default none.</summary>
    public JetStatusCallback? StatusCallback { get; init; }

    /// <summary>
    /// The set's name. Default <see langword="null"/>: the start time and kind, e.g. <c>20261122T060000000Z-full</c>.
    /// Give the name of a set that was interrupted to resume it in a sink that keeps a journal (the S3 sink sends
    /// again only the parts whose bytes differ from what it already stored). A plain folder name: no '/', no
    /// leading '.', nothing <see cref="Sinks.SetPath.Check"/> refuses.
    /// </summary>
    public string? SetId { get; init; }

    /// <summary>
    /// Whether an incremental or differential may be committed without a base in the destination (no committed set
    /// of the same instance and log stream whose generations it continues). Default <see langword="false"/>: such a
    /// backup is refused before the engine's backup begins, or before commit, and nothing is truncated. Set it only
    /// when the product keeps its own catalogue of the chain; the set is then committed without <c>extends</c>.
    /// </summary>
    public bool AllowOrphan { get; init; }

    /// <summary>The clock for set names and manifest times. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The most bytes per second read from the engine (the production server's disks), or
    /// <see cref="RateLimits.RateLimitDefaults.Unlimited"/>; otherwise at least
    /// <see cref="RateLimits.RateLimitDefaults.MinimumBytesPerSecond"/>. Timed by <see cref="TimeProvider"/>.
    /// </summary>
    /// <value>The default value is <see cref="RateLimits.RateLimitDefaults.Unlimited"/>.</value>
    public long ReadBytesPerSecond { get; init; } = RateLimits.RateLimitDefaults.Unlimited;

    internal void Validate()
    {
        RateLimits.RateLimitDefaults.Validate(ReadBytesPerSecond, nameof(ReadBytesPerSecond));
        if (ChunkSize % MaxPageSize != 0 || ChunkSize < 3 * MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "must be a multiple of 32 KiB and at least 96 KiB");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueDepth, 1, nameof(QueueDepth));
        SetName.Validate(SetId, nameof(SetId));
    }
}
