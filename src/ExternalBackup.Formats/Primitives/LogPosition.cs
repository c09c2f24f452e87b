using System.Buffers.Binary;
using System.Globalization;

namespace ExternalBackup.Formats.Primitives;

/// <summary>ESE <c>LGPOS</c> (8 bytes): byte offset in sector, sector index, log generation.</summary>
/// <param name="Generation">The log generation (lGeneration).</param>
/// <param name="Sector">The sector index inside the log file (isec).</param>
/// <param name="ByteOffset">The byte offset inside the sector (ib).</param>
public readonly record struct LogPosition(int Generation, ushort Sector, ushort ByteOffset) : IComparable<LogPosition>
{
    /// <summary>The size on disk in bytes.</summary>
    public const int Size = 8;

    /// <summary>True when all fields are zero.</summary>
    public bool IsZero => Generation == 0 && Sector == 0 && ByteOffset == 0;

    /// <summary>Reads an LGPOS from the first 8 bytes of <paramref name="source"/>.</summary>
    public static LogPosition Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source));

    /// <summary>Writes the 8 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, ByteOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], Sector);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Generation);
    }

    /// <inheritdoc/>
    public int CompareTo(LogPosition other)
    {
        var c = Generation.CompareTo(other.Generation);
        if (c == 0)
        {
            c = Sector.CompareTo(other.Sector);
        }

        return c != 0 ? c : ByteOffset.CompareTo(other.ByteOffset);
    }

    /// <summary>eseutil's form <c>(0xGEN,ISEC,IB)</c>, all hexadecimal.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "(0x{0:X},{1:X},{2:X})", Generation, Sector, ByteOffset);
}
