using System.Runtime.InteropServices;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>A small, fast, seeded generator (xorshift64*) for synthetic file content; deterministic for a seed.</summary>
internal struct SyntheticRandom
{
    private ulong _state;

    public SyntheticRandom(ulong seed)
    {
        _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
    }

    public ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    public uint NextUInt32() => (uint)(Next() >> 32);

    public int Next(int maxExclusive) => (int)(NextUInt32() % (uint)maxExclusive);

    public void Fill(Span<byte> destination)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = Next();
        }

        for (var i = words.Length * 8; i < destination.Length; i++)
        {
            destination[i] = (byte)Next();
        }
    }
}
