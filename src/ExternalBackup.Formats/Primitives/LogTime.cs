using System.Buffers.Binary;
using System.Globalization;

namespace ExternalBackup.Formats.Primitives;

/// <summary>
/// ESE <c>LOGTIME</c> (8 bytes): seconds, minutes, hours, day, month (1-12), years since 1900, then
/// milliseconds and flag bits packed in bytes 6 and 7. All zero means "not set".
/// </summary>
/// <param name="Raw">The 8 bytes as a little-endian 64-bit value.</param>
public readonly record struct LogTime(ulong Raw)
{
    /// <summary>The size on disk in bytes.</summary>
    public const int Size = 8;

    /// <summary>The "not set" value.</summary>
    public static LogTime Zero => default;

    /// <summary>Seconds (0-59).</summary>
    public int Second => (int)(Raw & 0xFF);

    /// <summary>Minutes.</summary>
    public int Minute => (int)((Raw >> 8) & 0xFF);

    /// <summary>Hours.</summary>
    public int Hour => (int)((Raw >> 16) & 0xFF);

    /// <summary>Day of month (1-31).</summary>
    public int Day => (int)((Raw >> 24) & 0xFF);

    /// <summary>Month (1-12 in files written by Windows).</summary>
    public int Month => (int)((Raw >> 32) & 0xFF);

    /// <summary>Full year (1900 + stored byte).</summary>
    public int Year => 1900 + (int)((Raw >> 40) & 0xFF);

    /// <summary>Milliseconds (0-999).</summary>
    public int Millisecond => (int)(((Raw >> 49) & 0x7F) | (((Raw >> 57) & 0x7) << 7));

    /// <summary>True when the time is UTC (bit 0 of byte 6).</summary>
    public bool IsUtc => ((Raw >> 48) & 1) != 0;

    /// <summary>Bit 0 of byte 7: in backup times, the "OS snapshot" marker.</summary>
    public bool ReservedFlag => ((Raw >> 56) & 1) != 0;

    /// <summary>True when all 8 bytes are zero.</summary>
    public bool IsZero => Raw == 0;

    /// <summary>Reads a LOGTIME from the first 8 bytes of <paramref name="source"/>.</summary>
    public static LogTime Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64LittleEndian(source));

    /// <summary>Writes the 8 bytes to <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, Raw);

    /// <summary>Makes a LOGTIME from a date and time (month stored 1-12, as Windows does).</summary>
    public static LogTime FromDateTime(DateTime time, bool utc = true, bool reservedFlag = false)
    {
        var year = time.Year - 1900;
        if (year is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "LOGTIME holds years 1900..2155 only.");
        }

        var ms = (ulong)(uint)time.Millisecond;
        ulong raw = (ulong)(uint)time.Second | ((ulong)(uint)time.Minute << 8) | ((ulong)(uint)time.Hour << 16) | ((ulong)(uint)time.Day << 24)
            | ((ulong)(uint)time.Month << 32) | ((ulong)(uint)year << 40)
            | ((utc ? 1UL : 0UL) << 48) | ((ms & 0x7F) << 49)
            | ((reservedFlag ? 1UL : 0UL) << 56) | (((ms >> 7) & 0x7) << 57);
        return new LogTime(raw);
    }

    /// <summary>The time as a <see cref="DateTime"/>, or null when not set or not a valid date.</summary>
    public DateTime? ToDateTime()
    {
        if (IsZero)
        {
            return null;
        }

        try
        {
            return new DateTime(Year, Month, Day, Hour, Minute, Second, Millisecond, IsUtc ? DateTimeKind.Utc : DateTimeKind.Local);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>eseutil's form <c>MM/DD/YYYY HH:MM:SS.mmm</c> (with <c>UTC</c>/<c>LOC</c> when <paramref name="withZone"/>).</summary>
    public string ToEseutilString(bool withZone = true)
    {
        var text = string.Format(CultureInfo.InvariantCulture, "{0:00}/{1:00}/{2:0000} {3:00}:{4:00}:{5:00}.{6:000}",
            Month, Day, IsZero ? 1900 : Year, Hour, Minute, Second, Millisecond);
        return withZone && !IsZero ? text + (IsUtc ? " UTC" : " LOC") : text;
    }

    /// <inheritdoc/>
    public override string ToString() => ToEseutilString();
}
