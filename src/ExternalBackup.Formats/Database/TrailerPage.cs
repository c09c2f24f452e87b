using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Database;

/// <summary>
/// The streaming-backup trailer ("patch") page (<c>PATCHHDR</c>) appended as the last page of a database copied by
/// the JetBackup API: a zero page header (40 bytes), then the backup record, the database and log signatures and the
/// required/committed generations; checksummed as a header page (XOR-32 over the whole page, no page number).
/// A file with a trailer has <c>(lastPgno + 3) * pageSize</c> bytes.
/// </summary>
public sealed record TrailerPage
{
    private const int Body = 40;

    /// <summary>The backup record; <see cref="BackupInfo.GenHigh"/> is the real high generation of the backup.</summary>
    public BackupInfo Backup { get; init; }

    /// <summary>The database signature (must equal the header's).</summary>
    public Signature DatabaseSignature { get; init; }

    /// <summary>The log signature (must equal the header's).</summary>
    public Signature LogSignature { get; init; }

    /// <summary>Lowest required generation.</summary>
    public uint GenMinRequired { get; init; }

    /// <summary>Highest required generation.</summary>
    public uint GenMaxRequired { get; init; }

    /// <summary>Highest committed generation.</summary>
    public uint GenMaxCommitted { get; init; }

    /// <summary>Creation time of the highest required generation.</summary>
    public LogTime GenMaxRequiredTime { get; init; }

    /// <summary>Creation time of the highest committed generation.</summary>
    public LogTime GenMaxCommittedTime { get; init; }

    /// <summary>
    /// True when a page has the trailer's shape as eseutil /k recognises it: dwords 1, 2, 3 and 6 are zero
    /// (checksum high, dbtime, objidFDP).
    /// </summary>
    public static bool HasTrailerShape(ReadOnlySpan<byte> page) =>
        page.Length >= 64
        && BinaryPrimitives.ReadUInt32LittleEndian(page[4..]) == 0
        && BinaryPrimitives.ReadUInt32LittleEndian(page[8..]) == 0
        && BinaryPrimitives.ReadUInt32LittleEndian(page[12..]) == 0
        && BinaryPrimitives.ReadUInt32LittleEndian(page[24..]) == 0;

    /// <summary>Reads the fields (no checksum check; see <see cref="PageChecksum.VerifyHeader"/>).</summary>
    public static TrailerPage Parse(ReadOnlySpan<byte> page)
    {
        if (page.Length < Body + 128)
        {
            throw new FormatException($"A trailer page needs at least {Body + 128} bytes; {page.Length} given.");
        }

        var b = page[Body..];
        return new TrailerPage
        {
            Backup = BackupInfo.Read(b),
            DatabaseSignature = Signature.Read(b[24..]),
            LogSignature = Signature.Read(b[52..]),
            GenMinRequired = BinaryPrimitives.ReadUInt32LittleEndian(b[80..]),
            GenMaxRequired = BinaryPrimitives.ReadUInt32LittleEndian(b[84..]),
            GenMaxCommitted = BinaryPrimitives.ReadUInt32LittleEndian(b[88..]),
            GenMaxRequiredTime = LogTime.Read(b[92..]),
            GenMaxCommittedTime = LogTime.Read(b[100..]),
        };
    }

    /// <summary>Writes the whole trailer page (zeros elsewhere) with its XOR-32 checksum at offset 0.</summary>
    public void WritePage(Span<byte> page)
    {
        page.Clear();
        var b = page[Body..];
        Backup.Write(b);
        DatabaseSignature.Write(b[24..]);
        LogSignature.Write(b[52..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[80..], GenMinRequired);
        BinaryPrimitives.WriteUInt32LittleEndian(b[84..], GenMaxRequired);
        BinaryPrimitives.WriteUInt32LittleEndian(b[88..], GenMaxCommitted);
        GenMaxRequiredTime.Write(b[92..]);
        GenMaxCommittedTime.Write(b[100..]);
        PageChecksum.WriteHeader(page);
    }

    /// <summary>A trailer for a backup of the database with header <paramref name="header"/> whose logs end at <paramref name="genHigh"/>.</summary>
    public static TrailerPage For(DatabaseHeader header, uint genHigh) => new()
    {
        Backup = header.CurrentFullBackup with { GenHigh = genHigh },
        DatabaseSignature = header.DatabaseSignature,
        LogSignature = header.LogSignature,
        GenMinRequired = (uint)header.GenMinRequired,
        GenMaxRequired = genHigh,
        GenMaxCommitted = genHigh,
        GenMaxRequiredTime = header.GenMaxRequiredTime,
        GenMaxCommittedTime = header.GenMaxCreateTime,
    };

    /// <summary>
    /// The header/trailer agreement checks of ESE (<c>ErrDBCheckDBHeaderAndTrailer</c>), or null when they agree:
    /// same signatures, trailer high generation set, same backup mark.
    /// </summary>
    public string? CheckAgainst(DatabaseHeader header)
    {
        if (!DatabaseSignature.Matches(header.DatabaseSignature)) { return "trailer database signature differs from the header's"; }
        if (!LogSignature.Matches(header.LogSignature)) { return "trailer log signature differs from the header's"; }
        if (Backup.GenHigh == 0) { return "trailer backup record has no high generation"; }
        if (Backup.Mark != header.CurrentFullBackup.Mark) { return "trailer backup mark differs from the header's current full backup"; }
        return null;
    }
}
