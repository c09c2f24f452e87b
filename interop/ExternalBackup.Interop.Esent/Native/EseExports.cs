using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

/// <summary>
/// The raw ESE entry points of one loaded library, as unmanaged function pointers taken with
/// <see cref="NativeLibrary.GetExport"/>. Each field carries the exact C signature of
/// <c>../shared/reference/ese-backup-api.md</c> §2 (HDR = <c>jethdr.w</c>, the source of <c>esent.h</c>); widths per §1:
/// <c>unsigned long</c> → <see cref="uint"/>, <c>long</c> → <see cref="int"/>, <c>JET_INSTANCE</c>/<c>JET_SESID</c>/
/// <c>JET_HANDLE</c>/<c>JET_API_PTR</c> → <see cref="nint"/>, <c>WCHAR*</c> → <see cref="char"/>* (UTF-16),
/// <c>JET_API</c> = <c>__stdcall</c> (only x86 has a distinct convention). A field is null when the library does
/// not export the name; <see cref="Require"/> turns that into <see cref="EseLibraryException"/>.
/// interop/README.md lists each declaration with its source.
/// </summary>
internal sealed unsafe class EseExports
{
    private readonly string _library;

    public EseExports(nint library, string libraryName)
    {
        _library = libraryName;
        nint Get(string name) => NativeLibrary.TryGetExport(library, name, out var p) ? p : 0;

        JetCreateInstance2W = (delegate* unmanaged[Stdcall]<nint*, char*, char*, uint, int>)Get(nameof(JetCreateInstance2W));
        JetSetSystemParameterW = (delegate* unmanaged[Stdcall]<nint*, nint, uint, nint, char*, int>)Get(nameof(JetSetSystemParameterW));
        JetInit3W = (delegate* unmanaged[Stdcall]<nint*, NativeRstInfoW*, uint, int>)Get(nameof(JetInit3W));
        JetTerm2 = (delegate* unmanaged[Stdcall]<nint, uint, int>)Get(nameof(JetTerm2));
        JetBeginSessionW = (delegate* unmanaged[Stdcall]<nint, nint*, char*, char*, int>)Get(nameof(JetBeginSessionW));
        JetEndSession = (delegate* unmanaged[Stdcall]<nint, uint, int>)Get(nameof(JetEndSession));
        JetAttachDatabaseW = (delegate* unmanaged[Stdcall]<nint, char*, uint, int>)Get(nameof(JetAttachDatabaseW));
        JetBeginExternalBackupInstance = (delegate* unmanaged[Stdcall]<nint, uint, int>)Get(nameof(JetBeginExternalBackupInstance));
        JetGetAttachInfoInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int>)Get(nameof(JetGetAttachInfoInstanceW));
        JetOpenFileInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, nint*, uint*, uint*, int>)Get(nameof(JetOpenFileInstanceW));
        JetReadFileInstance = (delegate* unmanaged[Stdcall]<nint, nint, void*, uint, uint*, int>)Get(nameof(JetReadFileInstance));
        JetCloseFileInstance = (delegate* unmanaged[Stdcall]<nint, nint, int>)Get(nameof(JetCloseFileInstance));
        JetGetLogInfoInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int>)Get(nameof(JetGetLogInfoInstanceW));
        JetGetLogInfoInstance2W = (delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, NativeLogInfoW*, int>)Get(nameof(JetGetLogInfoInstance2W));
        JetGetTruncateLogInfoInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int>)Get(nameof(JetGetTruncateLogInfoInstanceW));
        JetTruncateLogInstance = (delegate* unmanaged[Stdcall]<nint, int>)Get(nameof(JetTruncateLogInstance));
        JetEndExternalBackupInstance2 = (delegate* unmanaged[Stdcall]<nint, uint, int>)Get(nameof(JetEndExternalBackupInstance2));
        JetStopBackupInstance = (delegate* unmanaged[Stdcall]<nint, int>)Get(nameof(JetStopBackupInstance));
        JetBackupInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, uint, nint, int>)Get(nameof(JetBackupInstanceW));
        JetRestoreInstanceW = (delegate* unmanaged[Stdcall]<nint, char*, char*, nint, int>)Get(nameof(JetRestoreInstanceW));
        JetExternalRestore2W = (delegate* unmanaged[Stdcall]<char*, char*, NativeRstMapW*, int, char*, NativeLogInfoW*, char*, char*, char*, nint, int>)Get(nameof(JetExternalRestore2W));
    }

    /// <summary><c>JET_ERR JetCreateInstance2W(JET_INSTANCE *pinstance, JET_PCWSTR szInstanceName, JET_PCWSTR szDisplayName, JET_GRBIT grbit)</c> (HDR §2.1).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint*, char*, char*, uint, int> JetCreateInstance2W;

    /// <summary><c>JET_ERR JetSetSystemParameterW(JET_INSTANCE *pinstance, JET_SESID sesid, unsigned long paramid, JET_API_PTR lParam, JET_PCWSTR szParam)</c> (HDR §2.1).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint*, nint, uint, nint, char*, int> JetSetSystemParameterW;

    /// <summary><c>JET_ERR JetInit3W(JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit)</c> (HDR §2.1).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint*, NativeRstInfoW*, uint, int> JetInit3W;

    /// <summary><c>JET_ERR JetTerm2(JET_INSTANCE instance, JET_GRBIT grbit)</c> (HDR §2.1).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, uint, int> JetTerm2;

    /// <summary><c>JET_ERR JetBeginSessionW(JET_INSTANCE instance, JET_SESID *psesid, JET_PCWSTR szUserName, JET_PCWSTR szPassword)</c> (esent.h via windows-rs).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, nint*, char*, char*, int> JetBeginSessionW;

    /// <summary><c>JET_ERR JetEndSession(JET_SESID sesid, JET_GRBIT grbit)</c> (esent.h via windows-rs).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, uint, int> JetEndSession;

    /// <summary><c>JET_ERR JetAttachDatabaseW(JET_SESID sesid, JET_PCWSTR szFilename, JET_GRBIT grbit)</c> (esent.h via windows-rs).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, int> JetAttachDatabaseW;

    /// <summary><c>JET_ERR JetBeginExternalBackupInstance(JET_INSTANCE instance, JET_GRBIT grbit)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, uint, int> JetBeginExternalBackupInstance;

    /// <summary><c>JET_ERR JetGetAttachInfoInstanceW(JET_INSTANCE instance, JET_PWSTR szzDatabases, unsigned long cbMax, unsigned long *pcbActual)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int> JetGetAttachInfoInstanceW;

    /// <summary><c>JET_ERR JetOpenFileInstanceW(JET_INSTANCE instance, JET_PCWSTR szFileName, JET_HANDLE *phfFile, unsigned long *pulFileSizeLow, unsigned long *pulFileSizeHigh)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, nint*, uint*, uint*, int> JetOpenFileInstanceW;

    /// <summary><c>JET_ERR JetReadFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile, void *pv, unsigned long cb, unsigned long *pcbActual)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, nint, void*, uint, uint*, int> JetReadFileInstance;

    /// <summary><c>JET_ERR JetCloseFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, nint, int> JetCloseFileInstance;

    /// <summary><c>JET_ERR JetGetLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs, unsigned long cbMax, unsigned long *pcbActual)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int> JetGetLogInfoInstanceW;

    /// <summary><c>JET_ERR JetGetLogInfoInstance2W(JET_INSTANCE instance, JET_PWSTR wszzLogs, unsigned long cbMax, unsigned long *pcbActual, JET_LOGINFO_W *pLogInfo)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, NativeLogInfoW*, int> JetGetLogInfoInstance2W;

    /// <summary><c>JET_ERR JetGetTruncateLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs, unsigned long cbMax, unsigned long *pcbActual)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, uint*, int> JetGetTruncateLogInfoInstanceW;

    /// <summary><c>JET_ERR JetTruncateLogInstance(JET_INSTANCE instance)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, int> JetTruncateLogInstance;

    /// <summary><c>JET_ERR JetEndExternalBackupInstance2(JET_INSTANCE instance, JET_GRBIT grbit)</c> (HDR §2.3).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, uint, int> JetEndExternalBackupInstance2;

    /// <summary><c>JET_ERR JetStopBackupInstance(JET_INSTANCE instance)</c> (HDR §2.1).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, int> JetStopBackupInstance;

    /// <summary><c>JET_ERR JetBackupInstanceW(JET_INSTANCE instance, JET_PCWSTR szBackupPath, JET_GRBIT grbit, JET_PFNSTATUS pfnStatus)</c> (HDR §2.2).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, uint, nint, int> JetBackupInstanceW;

    /// <summary><c>JET_ERR JetRestoreInstanceW(JET_INSTANCE instance, JET_PCWSTR sz, JET_PCWSTR szDest, JET_PFNSTATUS pfn)</c> (HDR §2.2).</summary>
    public readonly delegate* unmanaged[Stdcall]<nint, char*, char*, nint, int> JetRestoreInstanceW;

    /// <summary>
    /// <c>JET_ERR JetExternalRestore2W(JET_PWSTR szCheckpointFilePath, JET_PWSTR szLogPath, JET_RSTMAP_W *rgrstmap,
    /// long crstfilemap, JET_PWSTR szBackupLogPath, JET_LOGINFO_W *pLogInfo, JET_PWSTR szTargetInstanceName,
    /// JET_PWSTR szTargetInstanceLogPath, JET_PWSTR szTargetInstanceCheckpointPath, JET_PFNSTATUS pfn)</c> (HDR §2.4, §9).
    /// </summary>
    public readonly delegate* unmanaged[Stdcall]<char*, char*, NativeRstMapW*, int, char*, NativeLogInfoW*, char*, char*, char*, nint, int> JetExternalRestore2W;

    /// <summary>
    /// The one-line error for an export that raised a native (SEH) exception instead of returning a <c>JET_ERR</c>:
    /// an unimplemented stub (Wine's esent.dll) or a build for another ABI.
    /// </summary>
    public EseLibraryException CannotCall(string name, SEHException e) =>
        new($"The ESE library '{_library}' cannot call {name}: the function raised a native exception instead of returning (an unimplemented stub, or a library built for another ABI).", e);

    /// <summary>Throws <see cref="EseLibraryException"/> when <paramref name="export"/> was not found.</summary>
    public void Require(void* export, string name)
    {
        if (export == null)
        {
            throw new EseLibraryException($"The ESE library '{_library}' does not export {name}.");
        }
    }
}
