namespace ExternalBackup.Interop.Esent;

/// <summary><c>JET_param*</c> ids used by a host (reference §3.2).</summary>
#pragma warning disable CA1028 // the native ids are unsigned long
public enum EseSystemParameter : uint
#pragma warning restore CA1028
{
    /// <summary>JET_paramSystemPath (0): the checkpoint folder.</summary>
    SystemPath = 0,
    /// <summary>JET_paramTempPath (1): the temporary database (a folder when it ends with a separator).</summary>
    TempPath = 1,
    /// <summary>JET_paramLogFilePath (2): the transaction log folder.</summary>
    LogFilePath = 2,
    /// <summary>JET_paramBaseName (3): the three-letter log base name.</summary>
    BaseName = 3,
    /// <summary>JET_paramCircularLog (17).</summary>
    CircularLog = 17,
    /// <summary>JET_paramRecovery (34): "on" or "off".</summary>
    Recovery = 34,
    /// <summary>JET_paramDatabasePageSize (64): process-wide.</summary>
    DatabasePageSize = 64,
    /// <summary>JET_paramCreatePathIfNotExist (100).</summary>
    CreatePathIfNotExist = 100,
    /// <summary>JET_paramLegacyFileNames (136): 0x1 ESE98 names (.log/.chk), 0x2 8.3 soft compatibility.</summary>
    LegacyFileNames = 136,
}
