namespace ExternalBackup.Interop.Vss.Native;

/// <summary>
/// Vtable slot indexes (IUnknown is 0..2) of the VSS interfaces this binding calls, in the SDK's declaration
/// order (mingw-w64 <c>vsbackup.idl</c>/<c>vswriter.idl</c>, restic <c>vss_windows.go</c>; slot 5 =
/// InitializeForBackup was probed live by breeze PR #3005). A wrong slot fails strangely (E_INVALIDARG,
/// VSS_E_BAD_STATE), so the table is checked by tests against the reference.
/// </summary>
public static class VssSlots
{
    /// <summary>IUnknown::Release.</summary>
    public const int Release = 2;

    /// <summary>IVssBackupComponents slots.</summary>
    public static class BackupComponents
    {
        /// <summary>GetWriterComponentsCount(UINT*).</summary>
        public const int GetWriterComponentsCount = 3;
        /// <summary>InitializeForBackup(BSTR).</summary>
        public const int InitializeForBackup = 5;
        /// <summary>SetBackupState(bool, bool, VSS_BACKUP_TYPE, bool); the flags are C++ bool (1 byte).</summary>
        public const int SetBackupState = 6;
        /// <summary>GatherWriterMetadata(IVssAsync**).</summary>
        public const int GatherWriterMetadata = 9;
        /// <summary>GetWriterMetadataCount(UINT*).</summary>
        public const int GetWriterMetadataCount = 10;
        /// <summary>GetWriterMetadata(UINT, VSS_ID*, IVssExamineWriterMetadata**).</summary>
        public const int GetWriterMetadata = 11;
        /// <summary>FreeWriterMetadata().</summary>
        public const int FreeWriterMetadata = 12;
        /// <summary>AddComponent(VSS_ID, VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR).</summary>
        public const int AddComponent = 13;
        /// <summary>PrepareForBackup(IVssAsync**).</summary>
        public const int PrepareForBackup = 14;
        /// <summary>AbortBackup().</summary>
        public const int AbortBackup = 15;
        /// <summary>GatherWriterStatus(IVssAsync**).</summary>
        public const int GatherWriterStatus = 16;
        /// <summary>GetWriterStatusCount(UINT*).</summary>
        public const int GetWriterStatusCount = 17;
        /// <summary>FreeWriterStatus().</summary>
        public const int FreeWriterStatus = 18;
        /// <summary>GetWriterStatus(UINT, VSS_ID*, VSS_ID*, BSTR*, VSS_WRITER_STATE*, HRESULT*).</summary>
        public const int GetWriterStatus = 19;
        /// <summary>SetBackupSucceeded(VSS_ID, VSS_ID, VSS_COMPONENT_TYPE, LPCWSTR, LPCWSTR, bool); the flag is C++ bool (1 byte).</summary>
        public const int SetBackupSucceeded = 20;
        /// <summary>SaveAsXML(BSTR*).</summary>
        public const int SaveAsXml = 26;
        /// <summary>BackupComplete(IVssAsync**).</summary>
        public const int BackupComplete = 27;
        /// <summary>SetContext(LONG).</summary>
        public const int SetContext = 35;
        /// <summary>StartSnapshotSet(VSS_ID*).</summary>
        public const int StartSnapshotSet = 36;
        /// <summary>AddToSnapshotSet(LPWSTR, VSS_ID, VSS_ID*).</summary>
        public const int AddToSnapshotSet = 37;
        /// <summary>DoSnapshotSet(IVssAsync**).</summary>
        public const int DoSnapshotSet = 38;
        /// <summary>DeleteSnapshots(VSS_ID, VSS_OBJECT_TYPE, BOOL, LONG*, VSS_ID*); the flag is Win32 BOOL (4 bytes).</summary>
        public const int DeleteSnapshots = 39;
        /// <summary>GetSnapshotProperties(VSS_ID, VSS_SNAPSHOT_PROP*).</summary>
        public const int GetSnapshotProperties = 42;
        /// <summary>IsVolumeSupported(VSS_ID, LPWSTR, BOOL*); the flag is Win32 BOOL (4 bytes).</summary>
        public const int IsVolumeSupported = 44;
        /// <summary>QueryRevertStatus: the last slot of the base interface (48 methods after IUnknown).</summary>
        public const int QueryRevertStatus = 50;
    }

    /// <summary>IVssAsync slots.</summary>
    public static class Async
    {
        /// <summary>Cancel().</summary>
        public const int Cancel = 3;
        /// <summary>Wait(DWORD milliseconds).</summary>
        public const int Wait = 4;
        /// <summary>QueryStatus(HRESULT*, INT* reserved).</summary>
        public const int QueryStatus = 5;
    }

    /// <summary>IVssExamineWriterMetadata slots.</summary>
    public static class ExamineWriterMetadata
    {
        /// <summary>GetIdentity(VSS_ID*, VSS_ID*, BSTR*, VSS_USAGE_TYPE*, VSS_SOURCE_TYPE*).</summary>
        public const int GetIdentity = 3;
        /// <summary>GetFileCounts(UINT* includes, UINT* excludes, UINT* components).</summary>
        public const int GetFileCounts = 4;
        /// <summary>GetExcludeFile(UINT, IVssWMFiledesc**).</summary>
        public const int GetExcludeFile = 6;
        /// <summary>GetComponent(UINT, IVssWMComponent**).</summary>
        public const int GetComponent = 7;
        /// <summary>SaveAsXML(BSTR*): the writer metadata document a restore needs.</summary>
        public const int SaveAsXml = 12;
    }

    /// <summary>IVssWMComponent slots (a C++ interface without IID: called only through the vtable).</summary>
    public static class WMComponent
    {
        /// <summary>GetComponentInfo(PVSSCOMPONENTINFO*).</summary>
        public const int GetComponentInfo = 3;
        /// <summary>FreeComponentInfo(PVSSCOMPONENTINFO).</summary>
        public const int FreeComponentInfo = 4;
        /// <summary>GetFile(UINT, IVssWMFiledesc**).</summary>
        public const int GetFile = 5;
        /// <summary>GetDatabaseFile(UINT, IVssWMFiledesc**).</summary>
        public const int GetDatabaseFile = 6;
        /// <summary>GetDatabaseLogFile(UINT, IVssWMFiledesc**).</summary>
        public const int GetDatabaseLogFile = 7;
    }

    /// <summary>IVssWMFiledesc slots (a C++ interface without IID: called only through the vtable).</summary>
    public static class WMFiledesc
    {
        /// <summary>GetPath(BSTR*).</summary>
        public const int GetPath = 3;
        /// <summary>GetFilespec(BSTR*).</summary>
        public const int GetFilespec = 4;
        /// <summary>GetRecursive(bool*); C++ bool (1 byte).</summary>
        public const int GetRecursive = 5;
        /// <summary>GetAlternateLocation(BSTR*).</summary>
        public const int GetAlternateLocation = 6;
        /// <summary>GetBackupTypeMask(DWORD*).</summary>
        public const int GetBackupTypeMask = 7;
    }
}
