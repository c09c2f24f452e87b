using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

/// <summary>
/// <c>JET_LOGINFO_W</c> (HDR:10764-10770): <c>unsigned long cbSize, ulGenLow, ulGenHigh; WCHAR szBaseName[4]</c>.
/// 20 bytes on x86 and x64.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeLogInfoW
{
    /// <summary>The size ESE checks: <c>sizeof(JET_LOGINFO_W)</c>.</summary>
    public static readonly uint Size = (uint)sizeof(NativeLogInfoW);

    public uint CbSize;
    public uint UlGenLow;
    public uint UlGenHigh;
    public fixed char SzBaseName[4];
}
