using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ExternalBackup.Formats.Checksums;

/// <summary>
/// The legacy ESE XOR-32 checksum: seed <c>0x89ABCDEF</c> XORed with every little-endian dword of the object
/// except dword 0 (where the checksum is stored). Used for database headers (over the whole page), the
/// shadow header, log file headers (4096 bytes), checkpoint copies (4096 bytes), the streaming-backup trailer
/// page and legacy-format database pages.
/// </summary>
public static class XorChecksum
{
    /// <summary>The seed of the legacy checksum.</summary>
    public const uint Seed = 0x89ABCDEF;

    /// <summary>Computes the checksum with the fastest path this CPU has.</summary>
    /// <param name="data">The object; its length must be a multiple of 4 and at least 4.</param>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        Vector256.IsHardwareAccelerated && data.Length >= 64 ? ComputeVectorized(data) : ComputeScalar(data);

    /// <summary>Computes the checksum one dword at a time (the reference path).</summary>
    public static uint ComputeScalar(ReadOnlySpan<byte> data)
    {
        CheckLength(data);
        var c = Seed;
        for (var i = 4; i + 4 <= data.Length; i += 4)
        {
            c ^= BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
        }

        return c;
    }

    /// <summary>Computes the checksum with 256-bit vectors (any CPU; hardware-accelerated where available).</summary>
    public static uint ComputeVectorized(ReadOnlySpan<byte> data)
    {
        CheckLength(data);
        var all = XorAllDwords(data);
        return Seed ^ all ^ BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    /// <summary>True when the checksum stored at offset 0 matches the computed one.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data.Length % 4 == 0 && BinaryPrimitives.ReadUInt32LittleEndian(data) == Compute(data);

    /// <summary>Computes the checksum and stores it at offset 0.</summary>
    public static void Write(Span<byte> data) => BinaryPrimitives.WriteUInt32LittleEndian(data, Compute(data));

    /// <summary>XOR of every little-endian dword of <paramref name="data"/> (length a multiple of 4).</summary>
    internal static uint XorAllDwords(ReadOnlySpan<byte> data)
    {
        var dwords = MemoryMarshal.Cast<byte, uint>(data);
        var acc0 = Vector256<uint>.Zero;
        var acc1 = Vector256<uint>.Zero;
        var i = 0;
        var vectors = MemoryMarshal.Cast<uint, Vector256<uint>>(dwords);
        for (; i + 1 < vectors.Length; i += 2)
        {
            acc0 ^= vectors[i];
            acc1 ^= vectors[i + 1];
        }

        if (i < vectors.Length)
        {
            acc0 ^= vectors[i];
        }

        acc0 ^= acc1;
        uint x = 0;
        for (var lane = 0; lane < Vector256<uint>.Count; lane++)
        {
            x ^= acc0.GetElement(lane);
        }

        for (var j = vectors.Length * Vector256<uint>.Count; j < dwords.Length; j++)
        {
            x ^= dwords[j];
        }

        return BitConverter.IsLittleEndian ? x : BinaryPrimitives.ReverseEndianness(x);
    }

    private static void CheckLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data.Length % 4 != 0)
        {
            throw new ArgumentException($"The XOR-32 checksum needs a length that is a positive multiple of 4, not {data.Length}.", nameof(data));
        }
    }
}
