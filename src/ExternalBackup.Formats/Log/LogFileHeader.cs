using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Log;

/// <summary>
/// The transaction log file header (<c>LGFILEHDR</c>, the first 4096 bytes of a .log/.jtx file), with every known
/// field as a read/write property over the raw bytes (unknown bytes survive a round trip). Serialise with
/// <see cref="Write(Span{byte})"/> (writes the XOR-32 checksum over the 4096 bytes); roll to the next generation with
/// <see cref="CreateNext"/>.
/// </summary>
public sealed class LogFileHeader
{
    /// <summary>The header size in bytes.</summary>
    public const int Size = 4096;

    /// <summary>The v8 segment (and sector) size.</summary>
    public const int SegmentSize = 4096;

    private readonly byte[] _raw;

    /// <summary>Creates an empty header (all zero) to fill in.</summary>
    public LogFileHeader()
    {
        _raw = new byte[Size];
    }

    private LogFileHeader(byte[] raw)
    {
        _raw = raw;
    }

    /// <summary>Reads the fields from the first 4096 bytes (no checks; see <see cref="Verify"/>).</summary>
    /// <exception cref="FormatException">Fewer than 4096 bytes.</exception>
    public static LogFileHeader Parse(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new FormatException($"A log file header needs {Size} bytes; only {source.Length} given.");
        }

        return new LogFileHeader(source[..Size].ToArray());
    }

    /// <summary>
    /// A new v8 header (format 8.4000.x, 4 KiB sectors) for generation <paramref name="generation"/>.
    /// </summary>
    public static LogFileHeader CreateV8(int generation, Signature logSignature, LogTime created, int fileBytes = 1024 * 1024, int databasePageSize = 4096)
    {
        if (fileBytes % SegmentSize != 0 || fileBytes < 2 * SegmentSize || fileBytes / SegmentSize > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(fileBytes), fileBytes, "A v8 log is a multiple of 4096 bytes, at least 8 KiB.");
        }

        var h = new LogFileHeader
        {
            Generation = generation,
            SectorSize = SegmentSize,
            HeaderSectors = 1,
            FileSectors = (ushort)(fileBytes / SegmentSize),
            DatabasePageSizeField = (ushort)(databasePageSize == 4096 ? 0 : databasePageSize),
            CreateTime = created,
            MajorVersion = 8,
            MinorVersion = 4000,
            UpdateMajorVersion = 5,
            UpdateMinorVersion = 13,
            LogSignature = logSignature,
            DiskSectorSizeMismatch = 1,
            FileType = EseFileType.Log,
        };
        return h;
    }

    /// <summary>A copy of the 4096 raw bytes.</summary>
    public byte[] ToArray() => (byte[])_raw.Clone();

    /// <summary>A deep copy.</summary>
    public LogFileHeader Clone() => new((byte[])_raw.Clone());

    /// <summary>
    /// The header of the next generation: generation + 1, created at <paramref name="created"/>, previous-generation
    /// time = this header's creation time, previous-log segment checksum = <paramref name="accumulatedSegmentChecksum"/>
    /// (the value <see cref="Verification.LogFileVerification.AccumulatedSegmentChecksum"/> reports for this log; 0 = not recorded),
    /// checkpoint at creation = <paramref name="checkpoint"/> when given. Everything else is copied.
    /// </summary>
    public LogFileHeader CreateNext(LogTime created, ulong accumulatedSegmentChecksum = 0, LogPosition? checkpoint = null)
    {
        var next = Clone();
        next.Generation = Generation + 1;
        next.PreviousGenerationTime = CreateTime;
        next.CreateTime = created;
        next.PreviousLogSegmentChecksum = accumulatedSegmentChecksum;
        if (checkpoint is { } cp)
        {
            next.CheckpointAtCreation = cp;
        }

        return next;
    }

    /// <summary>Writes the 4096 bytes with the XOR-32 checksum at offset 0 (the <see cref="Checksum"/> property is updated).</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A log header needs {Size} bytes.", nameof(destination));
        }

        var d = destination[..Size];
        _raw.CopyTo(d);
        PageChecksum.WriteHeader(d);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(d);
    }

    /// <summary>The 4096 bytes with a fresh checksum.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Size];
        Write(b);
        return b;
    }

    /// <summary>True for the segment-based format (major 8 and later; 4 KiB segments with ECC checksums).</summary>
    public bool IsSegmentFormat => MajorVersion >= 8;

    /// <summary>The total file size the header declares (<see cref="FileSectors"/> x <see cref="SectorSize"/>).</summary>
    public long DeclaredFileSize => (long)FileSectors * SectorSize;

    /// <summary>The database page size (0 in the field means 4096).</summary>
    public int DatabasePageSize => DatabasePageSizeField == 0 ? 4096 : DatabasePageSizeField;

    /// <summary><c>Format LGVersion: (major.minor.updateMajor.updateMinor)</c>.</summary>
    public string FormatVersionText => $"{MajorVersion}.{MinorVersion}.{UpdateMajorVersion}.{UpdateMinorVersion}";

    /// <summary>
    /// Checks the header alone (checksum over 4096 bytes, file type, version, geometry) and, when given, the file size.
    /// Returns null when valid, else the cause.
    /// </summary>
    public static string? Verify(ReadOnlySpan<byte> header, long? fileSize = null)
    {
        if (header.Length < Size)
        {
            return $"file too short for a log header ({header.Length} bytes)";
        }

        var h = header[..Size];
        if (PageChecksum.IsAllZero(h))
        {
            return "log header is all zero";
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(h);
        var computed = XorChecksum.Compute(h);
        if (stored != computed)
        {
            return $"log header checksum mismatch: stored 0x{stored:x8}, computed 0x{computed:x8}";
        }

        var p = Parse(h);
        if (p.FileType is not (EseFileType.Log or EseFileType.Unknown))
        {
            return $"file type {(int)p.FileType} ({p.FileType}) is not a log";
        }

        if (p.MajorVersion is < 7 or > 15)
        {
            return $"unsupported log format version {p.FormatVersionText}";
        }

        if (p.SectorSize is not (512 or 1024 or 2048 or 4096))
        {
            return $"invalid sector size {p.SectorSize}";
        }

        if (p.IsSegmentFormat && p.SectorSize != SegmentSize)
        {
            return $"v8 log with sector size {p.SectorSize} (must be 4096)";
        }

        if (p.HeaderSectors * p.SectorSize < Size || p.HeaderSectors >= p.FileSectors)
        {
            return $"invalid geometry: {p.HeaderSectors} header sectors of {p.FileSectors}";
        }

        if (p.Generation <= 0)
        {
            return $"invalid generation {p.Generation}";
        }

        if (fileSize is { } size && size != p.DeclaredFileSize)
        {
            return $"file size {size} differs from the header's {p.FileSectors} sectors x {p.SectorSize} = {p.DeclaredFileSize}";
        }

        return null;
    }

    /// <summary>Stored XOR-32 checksum (offset 0).</summary>
    public uint Checksum
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw);
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw, value);
    }

    /// <summary>Log generation (offset 4; <c>lGeneration:</c>).</summary>
    public int Generation
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(4));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(4), value);
    }

    /// <summary>Bytes per sector (offset 8): 4096 for v8, 512 or 4096 for v7.</summary>
    public ushort SectorSize
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_raw.AsSpan(8));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_raw.AsSpan(8), value);
    }

    /// <summary>Header size in sectors (offset 10).</summary>
    public ushort HeaderSectors
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_raw.AsSpan(10));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_raw.AsSpan(10), value);
    }

    /// <summary>Total file size in sectors, header included (offset 12).</summary>
    public ushort FileSectors
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_raw.AsSpan(12));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_raw.AsSpan(12), value);
    }

    /// <summary>Raw database page size field (offset 14; 0 = 4096).</summary>
    public ushort DatabasePageSizeField
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_raw.AsSpan(14));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_raw.AsSpan(14), value);
    }

    /// <summary>Creation time (offset 16; <c>creation time:</c>).</summary>
    public LogTime CreateTime
    {
        get => LogTime.Read(_raw.AsSpan(16));
        set => value.Write(_raw.AsSpan(16));
    }

    /// <summary>Creation time of the previous generation (offset 24; <c>prev gen time:</c>).</summary>
    public LogTime PreviousGenerationTime
    {
        get => LogTime.Read(_raw.AsSpan(24));
        set => value.Write(_raw.AsSpan(24));
    }

    /// <summary>Format major (offset 32): 7 (LRCHECKSUM format) or 8 (segment format).</summary>
    public uint MajorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(32));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(32), value);
    }

    /// <summary>Format minor (offset 36): 3704 or 4000.</summary>
    public uint MinorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(36));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(36), value);
    }

    /// <summary>Format update major (offset 40).</summary>
    public uint UpdateMajorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(40));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(40), value);
    }

    /// <summary>Log stream signature (offset 44; <c>Signature:</c>).</summary>
    public Signature LogSignature
    {
        get => Signature.Read(_raw.AsSpan(44));
        set => value.Write(_raw.AsSpan(44));
    }

    /// <summary>The 567-byte DBMS_PARAM block (offset 72), raw.</summary>
    public ReadOnlyMemory<byte> DbmsParameters => _raw.AsMemory(72, 567);

    /// <summary>DBMS_PARAM circular-logging flag (offset 72 + 522).</summary>
    public bool CircularLoggingParameter
    {
        get => (_raw[72 + 522] & 1) != 0;
        set => _raw[72 + 522] = (byte)(value ? _raw[72 + 522] | 1 : _raw[72 + 522] & ~1);
    }

    /// <summary>Log flags (offset 639): 0x01 using reserve log, 0x02 circular logging now, 0x04 circular logging in the past.</summary>
    public byte LogFlags
    {
        get => _raw[639];
        set => _raw[639] = value;
    }

    /// <summary>Checkpoint when this log was created (offset 640; <c>Checkpoint at log creation time:</c>).</summary>
    public LogPosition CheckpointAtCreation
    {
        get => LogPosition.Read(_raw.AsSpan(640));
        set => value.Write(_raw.AsSpan(640));
    }

    /// <summary>Format update minor (offset 648).</summary>
    public uint UpdateMinorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(648));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(648), value);
    }

    /// <summary>Disk sector size mismatch indicator (offset 652).</summary>
    public byte DiskSectorSizeMismatch
    {
        get => _raw[652];
        set => _raw[652] = value;
    }

    /// <summary>Accumulated segment checksum of the previous generation (offset 653; 0 = not recorded).</summary>
    public ulong PreviousLogSegmentChecksum
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_raw.AsSpan(653));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_raw.AsSpan(653), value);
    }

    /// <summary>Engine format version that wrote the log (offset 661; <c>(generated by N)</c>).</summary>
    public uint EngineFormatVersionDiagnostic
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(661));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(661), value);
    }

    /// <summary>File type (offset 667): Log, or Unknown in very old files.</summary>
    public EseFileType FileType
    {
        get => (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(667));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(667), (uint)value);
    }

    /// <summary>The 2048-byte attachment area (offset 671), raw; see <see cref="AttachedDatabases"/>.</summary>
    public ReadOnlyMemory<byte> AttachmentArea => _raw.AsMemory(671, 2048);

    /// <summary>The databases attached when this log was created (ATTACHINFO list; never throws on bad bytes).</summary>
    public IReadOnlyList<AttachedDatabase> AttachedDatabases => AttachedDatabase.ReadList(_raw.AsSpan(671, 2048));
}
