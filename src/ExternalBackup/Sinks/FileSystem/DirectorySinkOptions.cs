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
}
