using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

/// <summary><c>JET_RSTMAP_W</c> (HDR:163-180): two <c>WCHAR*</c>. 8 bytes on x86, 16 on x64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeRstMapW
{
    public nint SzDatabaseName;
    public nint SzNewDatabaseName;
}
