namespace ExternalBackup.Snapshots;

/// <summary>Options of <see cref="FrozenFolderSource"/>.</summary>
public sealed record FrozenFolderSourceOptions
{
    /// <summary>The size of one sequential read; a multiple of 32 KiB; default 4 MiB.</summary>
    public int ChunkSize { get; init; } = 4 << 20;

    /// <summary>
    /// Whether pages and log segments are verified while reading; default <see langword="true"/>. Only the benchmark
    /// turns it off (to measure what verification costs); a backup without verification is not a verified set.
    /// </summary>
    public bool Verify { get; init; } = true;

    /// <summary>
    /// For incremental and differential backups, the highest generation the extended set holds: only later
    /// generations are copied. Default <see langword="null"/>: every generation present.
    /// </summary>
    public long? LogsAfterGeneration { get; init; }
}
