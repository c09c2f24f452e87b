namespace ExternalBackup.Pipeline;

/// <summary>The phases of a backup, in order.</summary>
public enum BackupPhase
{
    /// <summary>JetBeginExternalBackupInstance and the sink's new set.</summary>
    Starting,
    /// <summary>Streaming databases.</summary>
    Databases,
    /// <summary>Streaming logs.</summary>
    Logs,
    /// <summary>Committing the set in the sink.</summary>
    Committing,
    /// <summary>Truncating the engine's logs.</summary>
    Truncating,
    /// <summary>Done.</summary>
    Completed,
}

/// <summary>A progress report of a running backup.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="FilesDone">Files completely copied.</param>
/// <param name="FilesKnown">Files known so far (databases first, then logs once listed).</param>
/// <param name="BytesDone">Bytes copied.</param>
/// <param name="BytesKnown">Bytes of the files known so far.</param>
/// <param name="CurrentFile">The file being copied, or <see langword="null"/>.</param>
public sealed record BackupProgress(BackupPhase Phase, int FilesDone, int FilesKnown, long BytesDone, long BytesKnown, string? CurrentFile)
{
    /// <summary>Percent done of what is known (0..100); 100 only when completed.</summary>
    public double Percent => Phase == BackupPhase.Completed ? 100 : BytesKnown == 0 ? 0 : Math.Min(99.9, 100.0 * BytesDone / BytesKnown);
}
