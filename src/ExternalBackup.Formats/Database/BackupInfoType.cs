namespace ExternalBackup.Formats.Database;

/// <summary>The kind of a recorded backup (<c>BKINFOTYPE</c>).</summary>
public enum BackupInfoType
{
    /// <summary>0: a normal (streaming) backup.</summary>
    Normal = 0,

    /// <summary>1: an OS (VSS) snapshot backup.</summary>
    OsSnapshot = 1,

    /// <summary>2: a snapshot backup.</summary>
    Snapshot = 2,
}
