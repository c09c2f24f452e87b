using System.Buffers.Binary;
using System.Globalization;

namespace ExternalBackup.Formats.Primitives;

/// <summary>ESE <c>BKINFO</c> (24 bytes): the backup's log position mark, its time and its log generation range.</summary>
/// <param name="Mark">The log position identifying the backup (le_lgposMark).</param>
/// <param name="MarkTime">The time of the mark (bit 0 of byte 7 = OS snapshot).</param>
/// <param name="GenLow">The lowest log generation of the backup set.</param>
/// <param name="GenHigh">The highest log generation of the backup set.</param>
public readonly record struct BackupInfo(LogPosition Mark, LogTime MarkTime, uint GenLow, uint GenHigh)
{
    /// <summary>The size on disk in bytes.</summary>
    public const int Size = 24;

    /// <summary>True when nothing is recorded.</summary>
    public bool IsZero => Mark.IsZero && MarkTime.IsZero && GenLow == 0 && GenHigh == 0;

    /// <summary>Reads a BKINFO from the first 24 bytes.</summary>
    public static BackupInfo Read(ReadOnlySpan<byte> source) => new(
        LogPosition.Read(source),
        LogTime.Read(source[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[20..]));

    /// <summary>Writes the 24 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        Mark.Write(destination);
        MarkTime.Write(destination[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], GenLow);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], GenHigh);
    }

    /// <summary>eseutil's <c>Log Gen: low-high (0x..-0x..)</c> line.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "Log Gen: {0}-{1} (0x{0:x}-0x{1:x}) Mark: {2} {3}", GenLow, GenHigh, Mark, MarkTime);
}
