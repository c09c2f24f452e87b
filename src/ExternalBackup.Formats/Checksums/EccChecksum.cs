using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ExternalBackup.Formats.Checksums;

/// <summary>
/// The ESE "XE" block checksum (new format, page flag 0x2000): a Hsiao/Hamming SEC-DED code over the block
/// seen as rows of 32-bit dwords (high dword) and the column XOR with the page number (low dword).
/// A block is 1, 2, 4 or 8 KiB; pages up to 8 KiB are one block, 16 KiB pages four 4 KiB blocks and
/// 32 KiB pages four 8 KiB blocks (see <see cref="PageChecksum"/>).
/// </summary>
public static class EccChecksum
{
    /// <summary>Computes the 64-bit block checksum with the fastest path this CPU has.</summary>
    /// <param name="block">The block (1, 2, 4 or 8 KiB).</param>
    /// <param name="pageNumber">The page number XORed into the low dword.</param>
    /// <param name="headerBlock">True for the first block of a page: its first 8 bytes (the stored checksum) count as zero.</param>
    public static ulong ComputeBlock(ReadOnlySpan<byte> block, uint pageNumber, bool headerBlock) =>
        Vector256.IsHardwareAccelerated ? ComputeBlockVectorized(block, pageNumber, headerBlock) : ComputeBlockScalar(block, pageNumber, headerBlock);

    /// <summary>The reference path: one row at a time with a population count per row (a port of ESE's 64-bit loop).</summary>
    public static ulong ComputeBlockScalar(ReadOnlySpan<byte> block, uint pageNumber, bool headerBlock)
    {
        var rows = CheckBlock(block);
        uint colParity = 0, p = 0, q = 0;
        for (var iRow = headerBlock ? 2u : 0u; iRow < rows; iRow++)
        {
            var w = BinaryPrimitives.ReadUInt32LittleEndian(block[(int)(iRow * 4)..]);
            colParity ^= w;
            if ((BitOperations.PopCount(w) & 1) == 1)
            {
                p ^= iRow;
                q ^= ~iRow;
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

        return Combine(rows, colParity, p, q, r, s, pageNumber);
    }

    /// <summary>
    /// The vector path. It uses that row parity is linear: bit k of the row code is the parity of the XOR of
    /// every row whose index has bit k set, so the block is reduced with XORs only (no per-row population count).
    /// </summary>
    public static ulong ComputeBlockVectorized(ReadOnlySpan<byte> block, uint pageNumber, bool headerBlock)
    {
        var rows = CheckBlock(block);
        var vectors = MemoryMarshal.Cast<byte, Vector256<uint>>(block);

        // Rows 8j..8j+7 are lanes 0..7 of vector j. Row bits 0..2 come from the lane, bits >= 3 from j.
        // Vectors are reduced in groups of 8: group m = j >> 3, so row bits 3..5 come from j & 7 and
        // bits >= 6 from m.
        var total = Vector256<uint>.Zero;
        var b3 = Vector256<uint>.Zero; // j bit 0 -> row bit 3
        var b4 = Vector256<uint>.Zero; // j bit 1 -> row bit 4
        var b5 = Vector256<uint>.Zero; // j bit 2 -> row bit 5
        Span<uint> high = stackalloc uint[8]; // row bits 6..13 (block of 8 KiB: 2048 rows -> bits 0..10)
        high.Clear();
        var groups = vectors.Length / 8;
        for (var m = 0; m < groups; m++)
        {
            var g = vectors.Slice(m * 8, 8);
            var v0 = g[0]; var v1 = g[1]; var v2 = g[2]; var v3 = g[3];
            var v4 = g[4]; var v5 = g[5]; var v6 = g[6]; var v7 = g[7];
            var o13 = v1 ^ v3;
            var o57 = v5 ^ v7;
            var t23 = v2 ^ v3;
            var t67 = v6 ^ v7;
            var u45 = v4 ^ v5;
            b3 ^= o13 ^ o57;
            b4 ^= t23 ^ t67;
            var upper = u45 ^ t67;
            b5 ^= upper;
            var sum = v0 ^ v1 ^ t23 ^ upper;
            total ^= sum;
            if (m != 0)
            {
                var folded = Fold(sum);
                for (int bit = 0, mm = m; mm != 0; bit++, mm >>= 1)
                {
                    if ((mm & 1) != 0)
                    {
                        high[bit] ^= folded;
                    }
                }
            }
        }

        // Tail when the block has fewer than 8 vectors (1 KiB blocks have exactly 8; kept for safety).
        for (var j = groups * 8; j < vectors.Length; j++)
        {
            var v = vectors[j];
            total ^= v;
            if ((j & 1) != 0) { b3 ^= v; }
            if ((j & 2) != 0) { b4 ^= v; }
            if ((j & 4) != 0) { b5 ^= v; }
        }

        var colParity = Fold(total);
        var x0 = total.GetElement(1) ^ total.GetElement(3) ^ total.GetElement(5) ^ total.GetElement(7);
        var x1 = total.GetElement(2) ^ total.GetElement(3) ^ total.GetElement(6) ^ total.GetElement(7);
        var x2 = total.GetElement(4) ^ total.GetElement(5) ^ total.GetElement(6) ^ total.GetElement(7);
        if (!BitConverter.IsLittleEndian)
        {
            colParity = BinaryPrimitives.ReverseEndianness(colParity);
        }

        if (headerBlock)
        {
            var w0 = BinaryPrimitives.ReadUInt32LittleEndian(block);
            var w1 = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
            colParity ^= w0 ^ w1;
            x0 ^= w1; // row 1 has bit 0 set; row 0 has no bits set
        }

        uint p = (uint)(BitOperations.PopCount(x0) & 1)
            | ((uint)(BitOperations.PopCount(x1) & 1) << 1)
            | ((uint)(BitOperations.PopCount(x2) & 1) << 2)
            | ((uint)(BitOperations.PopCount(Fold(b3)) & 1) << 3)
            | ((uint)(BitOperations.PopCount(Fold(b4)) & 1) << 4)
            | ((uint)(BitOperations.PopCount(Fold(b5)) & 1) << 5);
        for (var bit = 0; bit < high.Length; bit++)
        {
            p |= (uint)(BitOperations.PopCount(high[bit]) & 1) << (6 + bit);
        }

        // The number of odd rows has the parity of the XOR of all rows, which is also the parity of the
        // number of set column bits: q and s are then p and r complemented (or not).
        var odd = (BitOperations.PopCount(colParity) & 1) != 0;
        var q = odd ? ~p : p;
        uint r = 0;
        for (var bits = colParity; bits != 0; bits &= bits - 1)
        {
            r ^= (uint)BitOperations.TrailingZeroCount(bits);
        }

        var s = odd ? ~r : r;
        return Combine(rows, colParity, p, q, r, s, pageNumber);
    }

    private static uint Fold(Vector256<uint> v)
    {
        var h = v.GetLower() ^ v.GetUpper();
        return h.GetElement(0) ^ h.GetElement(1) ^ h.GetElement(2) ^ h.GetElement(3);
    }

    private static ulong Combine(uint rows, uint colParity, uint p, uint q, uint r, uint s, uint pageNumber)
    {
        var rowMask = rows - 1;
        var ecc = ((q & rowMask) << 21) | ((s & 31) << 16) | ((p & rowMask) << 5) | (r & 31);
        return ((ulong)ecc << 32) | (colParity ^ pageNumber);
    }

    private static uint CheckBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length is not (1024 or 2048 or 4096 or 8192))
        {
            throw new ArgumentException($"An ECC checksum block is 1, 2, 4 or 8 KiB, not {block.Length} bytes.", nameof(block));
        }

        return (uint)block.Length / 4;
    }
}
