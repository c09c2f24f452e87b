namespace ExternalBackup.Snapshots;

/// <summary>Options of <see cref="FrozenFolderSource"/>. Every default is a named constant.</summary>
public sealed record FrozenFolderSourceOptions
{
    /// <summary>The default <see cref="ChunkSize"/>: 4 MiB.</summary>
    public const int DefaultChunkSize = 4 << 20;

    /// <summary>The default <see cref="QueueDepth"/>: 4 chunks.</summary>
    public const int DefaultQueueDepth = 4;

    /// <summary>The unit chunk sizes are multiples of: 32 KiB, the largest ESE page.</summary>
    public const int ChunkAlignment = 32 * 1024;

    /// <summary>The size of one sequential read into a pooled aligned buffer; a multiple of 32 KiB; default <see cref="DefaultChunkSize"/>.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Chunks read ahead of the sink; the pool holds <c>QueueDepth + 2</c> buffers; default <see cref="DefaultQueueDepth"/>.</summary>
    public int QueueDepth { get; init; } = DefaultQueueDepth;

    /// <summary>
    /// Whether pages and log segments are verified while reading; default <see langword="true"/>. Only the benchmark
    /// turns it off (to measure what verification costs); a backup without verification is not a verified set, and a
    /// snapshot backup refuses to run without it (the writers would be told success).
    /// </summary>
    public bool Verify { get; init; } = true;

    /// <summary>
    /// The most bytes per second read from the frozen folder or snapshot (the production server's disks), or
    /// <see cref="RateLimits.RateLimitDefaults.Unlimited"/>; otherwise at least
    /// <see cref="RateLimits.RateLimitDefaults.MinimumBytesPerSecond"/>.
    /// </summary>
    /// <value>The default value is <see cref="RateLimits.RateLimitDefaults.Unlimited"/>.</value>
    public long ReadBytesPerSecond { get; init; } = RateLimits.RateLimitDefaults.Unlimited;

    /// <summary>
    /// For incremental and differential backups, the highest generation the extended set holds: only later
    /// generations are copied. Default <see langword="null"/>: after the extended set the set writer found, or every
    /// generation present when there is none.
    /// </summary>
    public long? LogsAfterGeneration { get; init; }

    internal void Validate()
    {
        if (ChunkSize <= 0 || ChunkSize % ChunkAlignment != 0)
        {
            throw new ArgumentException($"ChunkSize must be a positive multiple of {ChunkAlignment} bytes (it is {ChunkSize})", nameof(ChunkSize));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QueueDepth, 1, nameof(QueueDepth));
    }
}
