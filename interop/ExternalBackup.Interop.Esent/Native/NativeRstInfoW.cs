using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Esent.Native;

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
