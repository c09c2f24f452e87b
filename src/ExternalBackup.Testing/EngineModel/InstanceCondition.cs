namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// The state of the modelled instance as the engine's API gate sees it (ese-backup-api.md §5.2, §5.3). Every
/// backup call checks it first and fails with the code named on each member.
/// </summary>
public enum InstanceCondition
{
    /// <summary>Initialized and running: backup calls proceed.</summary>
    Running = 0,

    /// <summary>Not initialized (JetInit not called): <c>JET_errNotInitialized</c>.</summary>
    NotInitialized,

    /// <summary>JetInit is running: the backup entry points' gate returns <c>JET_errNotInitialized</c> (§5.2).</summary>
    InitInProgress,

    /// <summary>
    /// Initialized but backup not allowed yet (recovery not finished, <c>m_fBackupAllowed</c> false):
    /// Begin returns <c>JET_errBackupNotAllowedYet</c>, later calls <c>JET_errBackupNotAllowedYet</c> too.
    /// </summary>
    BackupNotAllowedYet,

    /// <summary>JetTerm is running: <c>JET_errTermInProgress</c>.</summary>
    TermInProgress,

    /// <summary>A restore holds the instance: <c>JET_errRestoreInProgress</c>.</summary>
    RestoreInProgress,

    /// <summary>A fatal error revoked access to the data: <c>JET_errInstanceUnavailable</c>.</summary>
    Unavailable,

    /// <summary>The fatal error was a full log disk: <c>JET_errInstanceUnavailableDueToFatalLogDiskFull</c>.</summary>
    UnavailableDueToFatalLogDiskFull,

    /// <summary>JetStopService was called: <c>JET_errClientRequestToStopJetService</c>.</summary>
    StopServiceRequested,
}
