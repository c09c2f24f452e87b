using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// The few ESE on-disk facts the engine model needs, kept in one place so they can be swapped for the
/// <c>ExternalBackup.Formats</c> library (offsets and algorithms from <c>ese-formats.md</c> §1-§5).
/// </summary>
internal static class FormatStandIns
{
    // Database header (DBFILEHDR, ese-formats.md §2.3).
    public const uint DatabaseMagic = 0x89ABCDEF;
    public const int DbMagicOffset = 4;
    public const int DbAttribOffset = 12;
    public const int DbSignDbOffset = 24;
    public const int DbSignLogOffset = 108;
    public const int DbBkinfoFullPrevOffset = 136;
    public const int DbBkinfoIncPrevOffset = 160;
    public const int DbBkinfoFullCurOffset = 184;
    public const int DbPageSizeOffset = 236;
    public const int DbGenMinRequiredOffset = 296;
    public const int DbGenMaxRequiredOffset = 300;
    public const int DbBkinfoSnapshotCurOffset = 316;
    public const int DbBkinfoTypeFullPrevOffset = 356;
    public const int DbBkinfoTypeIncPrevOffset = 360;
    public const int DbGenMaxCommittedOffset = 416;
    public const int DbBkinfoCopyPrevOffset = 420;
    public const int DbBkinfoDiffPrevOffset = 444;
    public const int DbBkinfoTypeCopyPrevOffset = 468;
    public const int DbBkinfoTypeDiffPrevOffset = 472;
    public const int DbGenMaxRequiredTimeOffset = 672;
    public const int FileTypeOffset = 667;
    public const int SignatureSize = 28;
    public const int BkinfoSize = 24;

    // Log file header (LGFILEHDR, §4.3).
    public const int LogHeaderSize = 4096;
    public const int LogGenerationOffset = 4;
    public const int LogCbSecOffset = 8;
    public const int LogCsecHeaderOffset = 10;
    public const int LogCsecFileOffset = 12;
    public const int LogCreateTimeOffset = 16;
    public const int LogPrevGenTimeOffset = 24;
    public const int LogMajorOffset = 32;
    public const int LogSignLogOffset = 44;

    // Checkpoint (§5): two 4096-byte copies.
    public const int CheckpointCopySize = 4096;
    public const int CheckpointLgposOffset = 12;

    /// <summary>XOR-32 legacy checksum of a header-type page (§3.1): seed 0x89abcdef, every dword but the first.</summary>
    public static uint XorChecksum32(ReadOnlySpan<byte> page)
    {
        if (page.Length < 8 || page.Length % 8 != 0 || !BitConverter.IsLittleEndian)
        {
            var c = DatabaseMagic;
            for (var i = 4; i + 4 <= page.Length; i += 4)
            {
                c ^= BinaryPrimitives.ReadUInt32LittleEndian(page[i..]);
            }

            return c;
        }

        // XOR of all qwords from byte 8, folded to 32 bits, plus dword 1: the same value, vectorised.
        var qwords = MemoryMarshal.Cast<byte, ulong>(page[8..]);
        var acc = Vector<ulong>.Zero;
        var vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(qwords);
        foreach (var v in vectors)
        {
            acc ^= v;
        }

        ulong x = 0;
        for (var i = 0; i < Vector<ulong>.Count; i++)
        {
            x ^= acc[i];
        }

        for (var i = vectors.Length * Vector<ulong>.Count; i < qwords.Length; i++)
        {
            x ^= qwords[i];
        }

        return DatabaseMagic ^ BinaryPrimitives.ReadUInt32LittleEndian(page[4..]) ^ (uint)x ^ (uint)(x >> 32);
    }

    /// <summary>Recomputes and stores the XOR-32 checksum of a header page (database header, trailer, log header, checkpoint copy).</summary>
    public static void SealHeader(Span<byte> page) =>
        BinaryPrimitives.WriteUInt32LittleEndian(page, XorChecksum32(page));

    /// <summary>Whether a header page's stored checksum matches.</summary>
    public static bool HeaderChecksumOk(ReadOnlySpan<byte> page) =>
        BinaryPrimitives.ReadUInt32LittleEndian(page) == XorChecksum32(page);

    /// <summary>Page size from a database header (offset 236, 0 = 4096).</summary>
    public static int PageSizeOf(ReadOnlySpan<byte> header)
    {
        var v = BinaryPrimitives.ReadInt32LittleEndian(header[DbPageSizeOffset..]);
        return v == 0 ? 4096 : v;
    }

    /// <summary>Whether the first bytes of a file look like an ESE database header (magic, attrib 0, file type 0 or 1).</summary>
    public static bool LooksLikeDatabaseHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < FileTypeOffset + 4 ||
            BinaryPrimitives.ReadUInt32LittleEndian(header[DbMagicOffset..]) != DatabaseMagic ||
            BinaryPrimitives.ReadUInt32LittleEndian(header[DbAttribOffset..]) != 0)
        {
            return false;
        }

        var fileType = BinaryPrimitives.ReadUInt32LittleEndian(header[FileTypeOffset..]);
        return fileType is 0 or 1;
    }

    /// <summary>
    /// Checks a database data page the way the engine's read path does: all-zero pages are uninitialised and
    /// accepted; pages with flag 0x2000 use the ECC+XOR block checksum (4 blocks for 16/32 KiB pages, with the
    /// page number at 64), others the legacy XOR-32 plus page number (§3).
    /// </summary>
    public static bool DataPageOk(ReadOnlySpan<byte> page, uint pgno)
    {
        if (!page.ContainsAnyExcept((byte)0))
        {
            return true;
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(page[36..]);
        if ((flags & 0x2000) == 0)
        {
            var expected = ((ulong)pgno << 32) | XorChecksum32(page);
            return BinaryPrimitives.ReadUInt64LittleEndian(page) == expected;
        }

        if (page.Length <= 8192)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(page) == BlockChecksum(page, pgno, headerBlock: true);
        }

        var blk = page.Length <= 16384 ? 4096 : 8192;
        for (var i = 1; i < 4; i++)
        {
            var stored = BinaryPrimitives.ReadUInt64LittleEndian(page[(32 + (8 * i))..]);
            if (stored != BlockChecksum(page.Slice(i * blk, blk), pgno, headerBlock: false))
            {
                return false;
            }
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(page) == BlockChecksum(page[..blk], pgno, headerBlock: true)
            && BinaryPrimitives.ReadUInt32LittleEndian(page[64..]) == pgno;
    }

    /// <summary>The ECC+XOR checksum of one block (§3.2).</summary>
    public static ulong BlockChecksum(ReadOnlySpan<byte> block, uint pgno, bool headerBlock)
    {
        var rows = (uint)(block.Length / 4);
        uint colParity = 0, p = 0, q = 0;
        for (var row = headerBlock ? 2u : 0u; row < rows; row++)
        {
            var w = BinaryPrimitives.ReadUInt32LittleEndian(block[(int)(4 * row)..]);
            colParity ^= w;
            if ((BitOperations.PopCount(w) & 1) == 1)
            {
                p ^= row;
                q ^= ~row;
            }
        }

        uint r = 0, s = 0;
        for (var j = 0u; j < 32; j++)
        {
            if (((colParity >> (int)j) & 1) != 0)
            {
                r ^= j;
                s ^= ~j;
            }
        }

        var ecc = ((q & (rows - 1)) << 21) | ((s & 31) << 16) | ((p & (rows - 1)) << 5) | (r & 31);
        return ((ulong)ecc << 32) | (colParity ^ pgno);
    }

    /// <summary>Writes a LOGTIME (§1.1) for <paramref name="time"/> in UTC.</summary>
    public static void WriteLogTime(Span<byte> target, DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        target[0] = (byte)t.Second;
        target[1] = (byte)t.Minute;
        target[2] = (byte)t.Hour;
        target[3] = (byte)t.Day;
        target[4] = (byte)t.Month;
        target[5] = (byte)(t.Year - 1900);
        var ms = t.Millisecond;
        target[6] = (byte)(1 | ((ms & 0x7F) << 1));
        target[7] = (byte)(((ms >> 7) & 7) << 1);
    }

    /// <summary>Writes an LGPOS (§1.2).</summary>
    public static void WriteLgpos(Span<byte> target, LogPosition position)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(target, position.ByteOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(target[2..], position.Sector);
        BinaryPrimitives.WriteInt32LittleEndian(target[4..], position.Generation);
    }

    /// <summary>Reads an LGPOS (§1.2).</summary>
    public static LogPosition ReadLgpos(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source));

    /// <summary>Writes a BKINFO (§1.4).</summary>
    public static void WriteBkinfo(Span<byte> target, LogPosition mark, DateTimeOffset markTime, uint genLow, uint genHigh)
    {
        WriteLgpos(target, mark);
        WriteLogTime(target[8..], markTime);
        BinaryPrimitives.WriteUInt32LittleEndian(target[16..], genLow);
        BinaryPrimitives.WriteUInt32LittleEndian(target[20..], genHigh);
    }

    /// <summary>
    /// The 22-byte v7 LRCHECKSUM record that ends an empty log (§4.6: cbBackwards = cbForwards = cbNext = 0,
    /// short checksum off), so a freshly rolled log verifies like the engine's.
    /// </summary>
    public static void WriteEmptyLrckRecord(Span<byte> target, uint generation)
    {
        target[..22].Clear();
        target[0] = 42;
        const byte shortChecksumOff = 0xD1;
        BinaryPrimitives.WriteUInt32LittleEndian(target[13..], 0xFEEDBEAFu ^ shortChecksumOff ^ generation);
        target[21] = shortChecksumOff;
    }
}
