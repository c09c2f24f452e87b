namespace ExternalBackup.Sinks.FileSystem;

/// <summary>Options of <see cref="DirectorySink"/>. Every default is stated on its property.</summary>
public sealed record DirectorySinkOptions
{
    /// <summary>
    /// Create the destination folder when it does not exist (like <c>JET_paramCreatePathIfNotExist</c>).
    /// Default <see langword="false"/>: a missing destination is an error.
    /// </summary>
    public bool CreateDestination { get; init; }

    /// <summary>
    /// Flush every file and folder to the disk before the set becomes visible. Default <see langword="true"/>.
    /// Turning it off is only for throw-away destinations (benchmarks of the page cache).
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>
    /// Write file data past the operating system's page cache where it can (Linux <c>O_DIRECT</c>, for chunks
    /// aligned to 4 KiB in memory and in the file, as the pipeline's pooled buffers are). Default
    /// <see langword="true"/>: the bytes go from the pipeline's buffer to the device without a copy, the device
    /// writes while the next chunks are read and hashed so the final flush has little left to do, and a backup
    /// does not evict the database server's cached pages with gigabytes of backup data. Other chunks, other
    /// operating systems and file systems that refuse <c>O_DIRECT</c> are written through the page cache. Either
    /// way the set is flushed to the disk before it is committed when <see cref="FlushToDisk"/> is on.
    /// </summary>
    public bool UnbufferedWrites { get; init; } = true;
}
