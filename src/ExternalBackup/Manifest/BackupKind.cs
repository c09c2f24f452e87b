namespace ExternalBackup.Manifest;

/// <summary>The four kinds of external backup.</summary>
public enum BackupKind
{
    /// <summary>Databases and logs; logs truncated afterwards.</summary>
    Full,
    /// <summary>Logs since the last full or incremental; logs truncated afterwards.</summary>
    Incremental,
    /// <summary>A full backup that truncates nothing (copy-only).</summary>
    Copy,
    /// <summary>An incremental backup that truncates nothing.</summary>
    Differential,
}

/// <summary>What a file of a set is.</summary>
public enum BackupFileKind
{
    /// <summary>A database streamed by the engine (header pages, data pages, trailer) or copied from a snapshot.</summary>
    Database,
    /// <summary>A transaction log generation.</summary>
    Log,
    /// <summary>A checkpoint file (snapshot backups only).</summary>
    Checkpoint,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>Facts about <see cref="BackupKind"/>.</summary>
public static class BackupKindFacts
{
    /// <summary>Whether the kind copies databases (full, copy) rather than only logs (incremental, differential).</summary>
    public static bool CopiesDatabases(this BackupKind kind) => kind is BackupKind.Full or BackupKind.Copy;

    /// <summary>Whether the kind truncates the engine's logs after the set is committed (full, incremental).</summary>
    public static bool TruncatesLogs(this BackupKind kind) => kind is BackupKind.Full or BackupKind.Incremental;

    /// <summary>The lower-case name used in manifests, set names and the command line.</summary>
    public static string Name(this BackupKind kind) => kind switch
    {
        BackupKind.Full => "full",
        BackupKind.Incremental => "incremental",
        BackupKind.Copy => "copy",
        BackupKind.Differential => "differential",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
