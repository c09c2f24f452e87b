using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

/// <summary><c>JET_SNPROG</c> (HDR:952-957): <c>unsigned long cbStruct, cunitDone, cunitTotal</c>. 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeSnProg
{
    public uint CbStruct;
    public uint CunitDone;
    public uint CunitTotal;
}
