using ExternalBackup.Formats.Primitives;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>Where a backup stands (the engine's <c>m_fBackupStatus</c>).</summary>
internal enum BackupStatus
{
    NotStarted,
    Databases,
    Logs,
}

/// <summary>The engine's per-instance BACKUP_CONTEXT (ese-backup-api.md §5.1), as the model keeps it.</summary>
internal sealed class BackupContext
{
    public bool InProgress { get; set; }

    public bool Full { get; set; }

    public bool StopRequested { get; set; }

    public BackupStatus Status { get; set; }

    /// <summary>Whether the first log-info call prepared the logs (rolled the log and computed the ranges).</summary>
    public bool Prepared { get; set; }

    /// <summary>The generation the roll created, once rolled (a failed prepare is not rolled twice).</summary>
    public uint RolledTo { get; set; }

    public uint CopyMic { get; set; }

    public uint CopyMac { get; set; }

    public uint DeleteMic { get; set; }

    public uint DeleteMac { get; set; }

    /// <summary>Σ of the generations of logs read to the end and closed (m_cGenCopyDone).</summary>
    public ulong CopiedGenerationSum { get; set; }

    public bool LogsTruncated { get; set; }

    public LogPosition BeginMark { get; set; }

    public DateTimeOffset BeginTime { get; set; }

    public LogPosition PrepareMark { get; set; }

    public DateTimeOffset PrepareTime { get; set; }

    /// <summary>Databases in the backup session (full: opened; incremental: all at Begin).</summary>
    public HashSet<ModelDatabase> Session { get; } = [];

    /// <summary>Databases streamed to the end and closed (EDBBackupDone).</summary>
    public HashSet<ModelDatabase> CopyDone { get; } = [];

    /// <summary>The lock on the instance's lock file that makes this the one backup of the instance across processes.</summary>
    public IDisposable? InstanceLock { get; set; }

    /// <summary>The single file slot (crhfMax = 1).</summary>
    public OpenBackupFile? Open { get; set; }

    public void Reset()
    {
        Open?.Dispose();
        Open = null;
        InstanceLock?.Dispose();
        InstanceLock = null;
        InProgress = false;
        Full = false;
        Status = BackupStatus.NotStarted;
        Prepared = false;
        RolledTo = 0;
        CopyMic = CopyMac = DeleteMic = DeleteMac = 0;
        CopiedGenerationSum = 0;
        LogsTruncated = false;
        Session.Clear();
        CopyDone.Clear();
    }
}

/// <summary>The file in the slot: a database stream or a log/other file.</summary>
internal sealed class OpenBackupFile : IDisposable
{
    public OpenBackupFile(string path, SafeFileHandle handle, long size, ModelDatabase? database, byte[]? headerSnapshot, uint generation)
    {
        Path = path;
        Handle = handle;
        Size = size;
        Database = database;
        HeaderSnapshot = headerSnapshot;
        Generation = generation;
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>The size reported by OpenFile: for a database (lastPgno + 3) pages.</summary>
    public long Size { get; }

    /// <summary>The database, or null for a log or other file.</summary>
    public ModelDatabase? Database { get; }

    /// <summary>The database header as of OpenFile with bkinfoFullCur set and resealed.</summary>
    public byte[]? HeaderSnapshot { get; }

    /// <summary>The log generation parsed from the name, or 0.</summary>
    public uint Generation { get; }

    /// <summary>For a log: whether its whole-file verification ran (at the first read).</summary>
    public bool LogVerified { get; set; }

    /// <summary>For a log whose verification failed: the offset of the first error (the read covering it fails) and its cause.</summary>
    public (long Offset, string Cause)? LogFailure { get; set; }

    /// <summary>Bytes streamed so far.</summary>
    public long Position { get; set; }

    public void Dispose() => Handle.Dispose();
}
