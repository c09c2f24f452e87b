using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

/// <summary>
/// <c>JET_PFNSTATUS</c> (HDR:130-134): <c>JET_ERR (JET_API *)(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv)</c>,
/// <c>JET_API</c> = <c>__stdcall</c>.
/// </summary>
[UnmanagedFunctionPointer(CallingConvention.StdCall)]
internal delegate int NativeStatusCallback(nint sesid, uint snp, uint snt, nint pv);
