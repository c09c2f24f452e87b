namespace ExternalBackup.Snapshots;

/// <summary>The header facts of an ESE file that the frozen-folder source plans with.</summary>
public sealed record FrozenFileHeader
{
    /// <summary>The file's path.</summary>
    public required string Path { get; init; }

    /// <summary>Database, log, checkpoint or other.</summary>
    public required FrozenFileType Type { get; init; }

    /// <summary>The log stream's signature (databases: <c>signLog</c>; logs and checkpoints: their signature), as an opaque comparable string (e.g. hex).</summary>
    public required string LogSignature { get; init; }

    /// <summary>Databases: the database's own signature (<c>signDb</c>), as an opaque comparable string; <see langword="null"/> when unknown.</summary>
    public string? DatabaseSignature { get; init; }

    /// <summary>Databases: the page size in bytes.</summary>
    public int PageSize { get; init; }

    /// <summary>Databases: the state name (<c>CleanShutdown</c>, <c>DirtyShutdown</c>, ...).</summary>
    public string? State { get; init; }

    /// <summary>Databases: whether the state needs logs to be consistent (dirty shutdown and the like).</summary>
    public bool NeedsLogs { get; init; }

    /// <summary>Databases: the lowest log generation required (0 when clean).</summary>
    public long RequiredLogLow { get; init; }

    /// <summary>Databases: the highest log generation required (0 when clean).</summary>
    public long RequiredLogHigh { get; init; }

    /// <summary>Logs: the generation in the header. Checkpoints: the checkpoint's generation.</summary>
    public long Generation { get; init; }
}
