namespace ExternalBackup.Sinks.Tar;

/// <summary>How a <see cref="TarSink"/> writes its archive.</summary>
public sealed record TarSinkOptions
{
    /// <summary>
    /// Files up to this many bytes are held in memory until they complete; larger ones are spooled to a temporary
    /// file (a tar header needs the length before the data). Default: 16 MiB.
    /// </summary>
    public long InMemoryFileLimit { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Where spool files go. Default: <see langword="null"/>, meaning the archive's own folder for a file target and
    /// the system temporary folder for a stream target.
    /// </summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Whether the entries sit under a top folder named after the set (<c>&lt;setId&gt;/&lt;path&gt;</c>). Default: <see langword="true"/>.</summary>
    public bool SetFolder { get; init; } = true;
}
