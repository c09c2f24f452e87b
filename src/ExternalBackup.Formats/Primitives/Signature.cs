using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ExternalBackup.Formats.Primitives;

/// <summary>ESE <c>SIGNATURE</c> (28 bytes): a random number, a creation time and a computer name (16 ASCII bytes).</summary>
/// <param name="Random">The random part (le_ulRandom).</param>
/// <param name="Created">The creation time.</param>
/// <param name="ComputerName">The computer name (empty in modern files).</param>
public readonly record struct Signature(uint Random, LogTime Created, string ComputerName)
{
    /// <summary>The size on disk in bytes.</summary>
    public const int Size = 28;

    private const int NameBytes = 16;

    /// <summary>True when random and time are zero.</summary>
    public bool IsZero => Random == 0 && Created.IsZero && string.IsNullOrEmpty(ComputerName);

    /// <summary>The random part as 8 lowercase hex digits, the short form CORPUS.md and logs use (e.g. <c>0000fced</c>).</summary>
    public string ShortHex => Random.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Reads a signature from the first 28 bytes.</summary>
    public static Signature Read(ReadOnlySpan<byte> source)
    {
        var nameBytes = source.Slice(12, NameBytes);
        var end = nameBytes.IndexOf((byte)0);
        if (end < 0)
        {
            end = NameBytes;
        }

        var name = Encoding.Latin1.GetString(nameBytes[..end]);
        return new Signature(BinaryPrimitives.ReadUInt32LittleEndian(source), LogTime.Read(source[4..]), name);
    }

    /// <summary>Writes the 28 bytes (the name is truncated to 15 characters and NUL-padded).</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Random);
        Created.Write(destination[4..]);
        var nameBytes = destination.Slice(12, NameBytes);
        nameBytes.Clear();
        var name = ComputerName ?? string.Empty;
        if (name.Length > NameBytes - 1)
        {
            name = name[..(NameBytes - 1)];
        }

        Encoding.Latin1.GetBytes(name, nameBytes);
    }

    /// <summary>Value equality on the stored bytes (random, time and name).</summary>
    public bool Matches(Signature other) => Random == other.Random && Created == other.Created
        && string.Equals(ComputerName ?? string.Empty, other.ComputerName ?? string.Empty, StringComparison.Ordinal);

    /// <summary>eseutil's form <c>Create time:MM/DD/YYYY HH:MM:SS.mmm Rand:N Computer:NAME</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Create time:{Created.ToEseutilString(withZone: false)} Rand:{Random} Computer:{ComputerName}");
}
