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

/// <summary><c>JET_RSTMAP_W</c> (HDR:163-180): two <c>WCHAR*</c>. 8 bytes on x86, 16 on x64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeRstMapW
{
    public nint SzDatabaseName;
    public nint SzNewDatabaseName;
}

/// <summary><c>JET_SNPROG</c> (HDR:952-957): <c>unsigned long cbStruct, cunitDone, cunitTotal</c>. 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeSnProg
{
    public uint CbStruct;
    public uint CunitDone;
    public uint CunitTotal;
}

/// <summary><c>JET_LGPOS</c> (pack 1, HDR:2068-2173): <c>unsigned short ib, isec; long lGeneration</c>. 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct NativeLgPos
{
    public ushort Ib;
    public ushort Isec;
    public int LGeneration;
}

/// <summary><c>JET_LOGTIME</c> (pack 1): eight bytes (seconds, minutes, hours, day, month, year-1900, two fillers).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct NativeLogTime
{
    public byte BSeconds;
    public byte BMinutes;
    public byte BHours;
    public byte BDay;
    public byte BMonth;
    public byte BYear;
    public byte BFiller1;
    public byte BFiller2;
}

/// <summary>
/// <c>JET_RSTINFO_W</c> (HDR:3101-3125): <c>unsigned long cbStruct; JET_RSTMAP_W *rgrstmap; long crstmap;
/// JET_LGPOS lgposStop; JET_LOGTIME logtimeStop; JET_PFNSTATUS pfnStatus</c>. 48 bytes on x64 (offsets 0, 8, 16,
/// 20, 28, 40), 32 on x86 (0, 4, 8, 12, 20, 28); reference §9.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeRstInfoW
{
    public static readonly uint Size = (uint)sizeof(NativeRstInfoW);

    public uint CbStruct;
    public NativeRstMapW* Rgrstmap;
    public int Crstmap;
    public NativeLgPos LgposStop;
    public NativeLogTime LogtimeStop;
    public nint PfnStatus;
}

/// <summary>
/// <c>JET_PFNSTATUS</c> (HDR:130-134): <c>JET_ERR (JET_API *)(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv)</c>,
/// <c>JET_API</c> = <c>__stdcall</c>.
/// </summary>
[UnmanagedFunctionPointer(CallingConvention.StdCall)]
internal delegate int NativeStatusCallback(nint sesid, uint snp, uint snt, nint pv);
