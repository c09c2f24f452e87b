namespace ExternalBackup.Testing.EngineModel;

/// <summary>How the modelled instance has a database attached (ese-backup-api.md §5.4, §5.5, §5.9).</summary>
public enum DatabaseAttachment
{
    /// <summary>Attached with logging: listed by GetAttachInfo, streamed, its header updated at a normal End.</summary>
    Logged = 0,

    /// <summary>
    /// Attached for recovery (the instance is replaying logs into it): left out of GetAttachInfo, and opening it
    /// gives <c>JET_errDatabaseAttachedForRecovery</c> (-1231).
    /// </summary>
    ForRecovery,

    /// <summary>
    /// Attached without recovery (<c>JET_bitDbRecoveryOff</c>, not logged): left out of GetAttachInfo and of the
    /// header updates and log-range checks, which only concern logged databases.
    /// </summary>
    RecoveryOff,
}
