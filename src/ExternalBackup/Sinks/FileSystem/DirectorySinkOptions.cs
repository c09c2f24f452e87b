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
    /// Write each file's data to the disk while the backup goes on (Linux: <c>sync_file_range</c> each
    /// <see cref="FlushBehindWindow"/>, then the written window leaves the page cache). Default
    /// <see langword="true"/>: the disk works in parallel with reading and hashing instead of all at the final flush,
    /// and a backup of many gigabytes does not evict the database server's cached pages. Has no effect on other
    /// operating systems, and none on what is durable when: the set is flushed to the disk before it is committed
    /// whenever <see cref="FlushToDisk"/> is on. A completed file's bytes are handed to the disk at once and waited
    /// for while later files are written; on ext4, XFS and btrfs the commit then flushes the destination's file system
    /// once (<c>syncfs</c>, as <c>sync</c> does) instead of every file: a set of many small logs costs one journal
    /// commit, and any data other programs left dirty on that file system is written with it.
    /// </summary>
    public bool FlushBehind { get; init; } = true;

    /// <summary>The bytes written before their writeback is started, with <see cref="FlushBehind"/>. Default 8 MiB; at least 64 KiB.</summary>
    public int FlushBehindWindow { get; init; } = 8 * 1024 * 1024;
}
