using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace ExternalBackup.Formats.Checksums;

/// <summary>
/// Checks and writes the checksums of database pages (and v8 log segments, whose "page number" is the sector
/// index), following ESE's <c>ComputePageChecksum</c>: flag 0x2000 at offset 36 selects the ECC format;
/// pages up to 8 KiB are one block, 16 KiB pages four 4 KiB blocks, 32 KiB pages four 8 KiB blocks with the
/// block checksums at offsets 0, 40, 48, 56 and the page number at 64.
/// </summary>
public static class PageChecksum
{
    /// <summary>The page flag that selects the ECC checksum format.</summary>
    public const uint NewChecksumFormatFlag = 0x2000;

    /// <summary>Offset of the 32-bit page flags.</summary>
    public const int FlagsOffset = 36;

    /// <summary>Offset of the page number in the 80-byte header of pages larger than 8 KiB.</summary>
    public const int LargePageNumberOffset = 64;

    /// <summary>The bit of the format flag (never corrected: flipping it changes the format).</summary>
    private const int FormatFlagBit = (FlagsOffset * 8) + 13;

    /// <summary>True when the page's flags select the ECC format.</summary>
    public static bool HasEccFormat(ReadOnlySpan<byte> page) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(page[FlagsOffset..]) & NewChecksumFormatFlag) != 0;

    /// <summary>True when every byte is zero.</summary>
    public static bool IsAllZero(ReadOnlySpan<byte> page) => !page.ContainsAnyExcept((byte)0);

    /// <summary>The block size used for a page size (the page itself up to 8 KiB).</summary>
    public static int BlockSize(int pageSize) => pageSize <= 8192 ? pageSize : pageSize <= 16384 ? 4096 : 8192;

    /// <summary>Checks a database page (not a header page) whose page number is <paramref name="pageNumber"/>.</summary>
    /// <param name="page">The whole page (2, 4, 8, 16 or 32 KiB; log segments are 4 KiB).</param>
    /// <param name="pageNumber">The page number the page should carry (physical page index minus 2 for databases).</param>
    public static PageChecksumResult VerifyPage(ReadOnlySpan<byte> page, uint pageNumber)
    {
        if (IsAllZero(page))
        {
            return new PageChecksumResult(PageChecksumStatus.Uninitialized, PageChecksumFormat.Ecc, 0, 0);
        }

        if (!HasEccFormat(page))
        {
            return VerifyXorPage(page, pageNumber);
        }

        var first = CheckEcc(page, pageNumber, out var failingBlock, out var stored, out var computed);
        if (first)
        {
            if (page.Length > 8192)
            {
                var carried = BinaryPrimitives.ReadUInt32LittleEndian(page[LargePageNumberOffset..]);
                if (carried != pageNumber)
                {
                    return new PageChecksumResult(PageChecksumStatus.WrongPageNumber, PageChecksumFormat.Ecc, stored, computed, 0, -1, carried);
                }
            }

            return new PageChecksumResult(PageChecksumStatus.Ok, PageChecksumFormat.Ecc, stored, computed);
        }

        return Diagnose(page, pageNumber, failingBlock, stored, computed);
    }

    /// <summary>Checks a header-type page (database header or shadow, trailer page, log header, checkpoint copy): XOR-32 over the whole span.</summary>
    public static PageChecksumResult VerifyHeader(ReadOnlySpan<byte> page)
    {
        if (IsAllZero(page))
        {
            return new PageChecksumResult(PageChecksumStatus.Uninitialized, PageChecksumFormat.Header, 0, 0);
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(page);
        var computed = XorChecksum.Compute(page);
        return new PageChecksumResult(stored == computed ? PageChecksumStatus.Ok : PageChecksumStatus.Bad, PageChecksumFormat.Header, stored, computed);
    }

    /// <summary>
    /// Writes the checksum of a database page in place. With <paramref name="eccFormat"/> the flag 0x2000 is set and
    /// the block checksums (and, for pages above 8 KiB, the page number at offset 64) are written; otherwise the flag
    /// is cleared and the legacy XOR-32 plus page number is written.
    /// </summary>
    public static void WritePage(Span<byte> page, uint pageNumber, bool eccFormat = true)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(page[FlagsOffset..]);
        if (!eccFormat)
        {
            if (page.Length > 8192)
            {
                throw new ArgumentException("Pages larger than 8 KiB always use the ECC checksum format.", nameof(eccFormat));
            }

            BinaryPrimitives.WriteUInt32LittleEndian(page[FlagsOffset..], flags & ~NewChecksumFormatFlag);
            BinaryPrimitives.WriteUInt32LittleEndian(page[4..], pageNumber);
            BinaryPrimitives.WriteUInt32LittleEndian(page, XorChecksum.Compute(page));
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(page[FlagsOffset..], flags | NewChecksumFormatFlag);
        if (page.Length <= 8192)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(page, EccChecksum.ComputeBlock(page, pageNumber, headerBlock: true));
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(page[LargePageNumberOffset..], pageNumber);
        var blk = BlockSize(page.Length);
        for (var b = 1; b < 4; b++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(page[(32 + (8 * b))..], EccChecksum.ComputeBlock(page.Slice(b * blk, blk), pageNumber, headerBlock: false));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(page, EccChecksum.ComputeBlock(page[..blk], pageNumber, headerBlock: true));
    }

    /// <summary>Writes the XOR-32 header checksum of a header-type page in place (header, shadow, trailer, log header, checkpoint copy).</summary>
    public static void WriteHeader(Span<byte> page) => XorChecksum.Write(page);

    /// <summary>Computes the block checksums a page should carry ([c0] up to 8 KiB, [c0..c3] above).</summary>
    public static ulong[] ComputeEccChecksums(ReadOnlySpan<byte> page, uint pageNumber)
    {
        if (page.Length <= 8192)
        {
            return [EccChecksum.ComputeBlock(page, pageNumber, true)];
        }

        var blk = BlockSize(page.Length);
        return
        [
            EccChecksum.ComputeBlock(page[..blk], pageNumber, true),
            EccChecksum.ComputeBlock(page.Slice(blk, blk), pageNumber, false),
            EccChecksum.ComputeBlock(page.Slice(2 * blk, blk), pageNumber, false),
            EccChecksum.ComputeBlock(page.Slice(3 * blk, blk), pageNumber, false),
        ];
    }

    private static PageChecksumResult VerifyXorPage(ReadOnlySpan<byte> page, uint pageNumber)
    {
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(page);
        var xor = XorChecksum.Compute(page);
        var expected = ((ulong)pageNumber << 32) | xor;
        if (stored == expected)
        {
            return new PageChecksumResult(PageChecksumStatus.Ok, PageChecksumFormat.Xor, stored, expected);
        }

        if ((uint)stored == xor)
        {
            return new PageChecksumResult(PageChecksumStatus.WrongPageNumber, PageChecksumFormat.Xor, stored, expected, 0, -1, (uint)(stored >> 32));
        }

        return new PageChecksumResult(PageChecksumStatus.Bad, PageChecksumFormat.Xor, stored, expected);
    }

    private static bool CheckEcc(ReadOnlySpan<byte> page, uint pageNumber, out int failingBlock, out ulong stored, out ulong computed)
    {
        if (page.Length <= 8192)
        {
            stored = BinaryPrimitives.ReadUInt64LittleEndian(page);
            computed = EccChecksum.ComputeBlock(page, pageNumber, headerBlock: true);
            failingBlock = 0;
            return stored == computed;
        }

        var blk = BlockSize(page.Length);
        for (var b = 0; b < 4; b++)
        {
            stored = BinaryPrimitives.ReadUInt64LittleEndian(page[(b == 0 ? 0 : 32 + (8 * b))..]);
            computed = EccChecksum.ComputeBlock(page.Slice(b * blk, blk), pageNumber, headerBlock: b == 0);
            if (stored != computed)
            {
                failingBlock = b;
                return false;
            }
        }

        failingBlock = -1;
        stored = BinaryPrimitives.ReadUInt64LittleEndian(page);
        computed = stored;
        return true;
    }

    private static PageChecksumResult Diagnose(ReadOnlySpan<byte> page, uint pageNumber, int block, ulong stored, ulong computed)
    {
        var blk = BlockSize(page.Length);
        var dEcc = (uint)(stored >> 32) ^ (uint)(computed >> 32);
        var dXor = (uint)stored ^ (uint)computed;

        // Intact data with another page number: every block's ECC matches and the XOR differs by the same amount.
        if (dEcc == 0)
        {
            var actual = dXor ^ pageNumber;
            if (actual != pageNumber && CheckEcc(page, actual, out _, out _, out _))
            {
                return new PageChecksumResult(PageChecksumStatus.WrongPageNumber, PageChecksumFormat.Ecc, stored, computed, block, -1, actual);
            }
        }

        var mask = (uint)(blk * 8) - 1;
        if ((((dEcc >> 16) ^ dEcc) & mask) == mask && BitOperations.PopCount(dXor) == 1)
        {
            var bitInBlock = dEcc & 0xFFFF;
            var bit = ((long)block * blk * 8) + bitInBlock;
            if (bitInBlock < blk * 8 && bit != FormatFlagBit && IsFixedBy(page, pageNumber, bit))
            {
                return new PageChecksumResult(PageChecksumStatus.Correctable, PageChecksumFormat.Ecc, stored, computed, block, bit);
            }
        }

        return new PageChecksumResult(PageChecksumStatus.Bad, PageChecksumFormat.Ecc, stored, computed, block);
    }

    private static bool IsFixedBy(ReadOnlySpan<byte> page, uint pageNumber, long bit)
    {
        var copy = ArrayPool<byte>.Shared.Rent(page.Length);
        try
        {
            var span = copy.AsSpan(0, page.Length);
            page.CopyTo(span);
            span[(int)(bit / 8)] ^= (byte)(1 << (int)(bit % 8));
            if (!HasEccFormat(span) || !CheckEcc(span, pageNumber, out _, out _, out _))
            {
                return false;
            }

            return page.Length <= 8192 || BinaryPrimitives.ReadUInt32LittleEndian(span[LargePageNumberOffset..]) == pageNumber;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
