namespace ExternalBackup.Interop.Vss.Native;

/// <summary>VSS enumeration values and status codes (values from the SDK headers as recorded in the reference).</summary>
public static class VssConstants
{
    /// <summary>VSS_CTX_BACKUP: non-persistent snapshots with writer participation.</summary>
    public const int ContextBackup = 0;

    /// <summary>VSS_BT_FULL.</summary>
    public const int BackupTypeFull = 1;
    /// <summary>VSS_BT_INCREMENTAL.</summary>
    public const int BackupTypeIncremental = 2;
    /// <summary>VSS_BT_DIFFERENTIAL.</summary>
    public const int BackupTypeDifferential = 3;
    /// <summary>VSS_BT_COPY.</summary>
    public const int BackupTypeCopy = 5;

    /// <summary>VSS_CT_DATABASE.</summary>
    public const int ComponentTypeDatabase = 1;
    /// <summary>VSS_CT_FILEGROUP.</summary>
    public const int ComponentTypeFileGroup = 2;

    /// <summary>VSS_S_ASYNC_PENDING.</summary>
    public const int AsyncPending = 0x00042309;
    /// <summary>VSS_S_ASYNC_FINISHED.</summary>
    public const int AsyncFinished = 0x0004230A;
    /// <summary>VSS_S_ASYNC_CANCELLED.</summary>
    public const int AsyncCancelled = 0x0004230B;

    /// <summary>VSS_WS_FAILED_AT_IDENTIFY: the first failed writer state; states 6..15 are failures.</summary>
    public const int WriterStateFirstFailure = 6;
    /// <summary>VSS_WS_FAILED_AT_BACKUPSHUTDOWN: the last failed writer state.</summary>
    public const int WriterStateLastFailure = 15;

    /// <summary>COINIT_MULTITHREADED.</summary>
    public const int CoInitMultithreaded = 0;
    /// <summary>RPC_C_AUTHN_LEVEL_PKT_PRIVACY.</summary>
    public const int RpcAuthnLevelPktPrivacy = 6;
    /// <summary>RPC_C_IMP_LEVEL_IMPERSONATE.</summary>
    public const int RpcImpLevelImpersonate = 3;
    /// <summary>EOAC_STATIC_CLOAKING.</summary>
    public const int EoacStaticCloaking = 0x20;
    /// <summary>RPC_E_TOO_LATE: COM security was already set in this process.</summary>
    public const int RpcETooLate = unchecked((int)0x80010119);
    /// <summary>RPC_E_CHANGED_MODE: the thread is already in another apartment.</summary>
    public const int RpcEChangedMode = unchecked((int)0x80010106);
}
