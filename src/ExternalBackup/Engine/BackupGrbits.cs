namespace ExternalBackup.Engine;

/// <summary>Options of <c>JetBeginExternalBackupInstance</c> and <c>JetBackupInstance</c> (<c>JET_bitBackup*</c>).</summary>
[Flags]
#pragma warning disable CA1711 // the ESE name is "grbit"
public enum BackupGrbits : uint
#pragma warning restore CA1711
{
    /// <summary>A full backup.</summary>
    None = 0,
    /// <summary>JET_bitBackupIncremental: back up only the logs since the last full or incremental backup.</summary>
    Incremental = 0x1,
    /// <summary>JET_bitKeepOldLogs (not public, unused by the engine).</summary>
    KeepOldLogs = 0x2,
    /// <summary>JET_bitBackupAtomic: deprecated; rejected by JetBeginExternalBackupInstance.</summary>
    Atomic = 0x4,
    /// <summary>JET_bitBackupFullWithAllLogs (not public).</summary>
    FullWithAllLogs = 0x8,
    /// <summary>JET_bitBackupSnapshot: reserved; rejected by JetBeginExternalBackupInstance.</summary>
    Snapshot = 0x10,
}

/// <summary>Options of <c>JetEndExternalBackupInstance2</c>.</summary>
[Flags]
public enum EndBackupGrbits : uint
{
    /// <summary>No bit: invalid on its own (JET_errInvalidParameter).</summary>
    None = 0,
    /// <summary>JET_bitBackupEndNormal: the backup succeeded.</summary>
    Normal = 0x1,
    /// <summary>JET_bitBackupEndAbort: the backup failed or was cancelled.</summary>
    Abort = 0x2,
    /// <summary>JET_bitBackupTruncateDone: logs were truncated by other means.</summary>
    TruncateDone = 0x100,
    /// <summary>JET_bitBackupNoDbHeaderUpdate (not public): leave database headers alone.</summary>
    NoDbHeaderUpdate = 0x200,
}
