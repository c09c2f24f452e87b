using System.Buffers.Binary;

namespace ExternalBackup.Formats.Log;

/// <summary>
/// The v7 log record checksum record (<c>LRCHECKSUM</c>, 22 packed bytes; ese-formats.md §4.6): record type 42,
/// <c>cbBackwards</c> at 1, <c>cbForwards</c> at 5, <c>cbNext</c> at 9, the range checksum at 13, the short checksum
/// at 17 and the short-checksum switch at 21 (0x9A on, 0xD1 off). In a v7 log the first one starts right after
/// the 4096-byte header; a record with <c>cbNext</c> 0 ends the chain.
/// </summary>
public static class LogChecksumRecord
{
    /// <summary>The record size in bytes.</summary>
    public const int Size = 22;

    /// <summary>The record type byte (<c>lrtypChecksum</c>).</summary>
    public const byte RecordType = 42;

    /// <summary>The seed of the range checksum (<c>ulLRCKChecksumSeed</c>).</summary>
    public const uint ChecksumSeed = 0xFEEDBEAF;

    /// <summary>The value of byte 21 when the short checksum is not used.</summary>
    public const byte ShortChecksumOff = 0xD1;

    /// <summary>The value of byte 21 when the short checksum is used (multi-sector flush).</summary>
    public const byte ShortChecksumOn = 0x9A;

    /// <summary>
    /// Writes the record that makes up the whole chain of an empty log: no bytes covered backwards or forwards,
    /// <c>cbNext</c> 0 (end of the chain), short checksum off, so the range checksum is
    /// <c>0xFEEDBEAF ^ 0xD1 ^ generation</c>. A freshly rolled v7 log starts with it at offset 4096.
    /// </summary>
    /// <param name="destination">At least <see cref="Size"/> bytes; the first 22 are written.</param>
    /// <param name="generation">The log's generation (the header's <c>lGeneration</c>), part of the checksum.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    public static void WriteEmptyChain(Span<byte> destination, uint generation)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"An LRCHECKSUM record needs {Size} bytes; only {destination.Length} given.", nameof(destination));
        }

        var record = destination[..Size];
        record.Clear();
        record[0] = RecordType;
        BinaryPrimitives.WriteUInt32LittleEndian(record[13..], ChecksumSeed ^ ShortChecksumOff ^ generation);
        record[21] = ShortChecksumOff;
    }
}
