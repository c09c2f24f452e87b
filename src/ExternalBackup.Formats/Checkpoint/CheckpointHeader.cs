using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Checkpoint;

/// <summary>
/// The checkpoint (<c>CHECKPOINT</c>, 4096 bytes; the .chk/.jcp file holds two identical copies at offsets 0 and
/// 4096). Properties read and write the raw bytes. Read both copies with <see cref="CheckpointReader"/>; write the
/// whole file with <see cref="WriteFile(Span{byte})"/>.
/// </summary>
public sealed class CheckpointHeader
{
    /// <summary>The size of one copy.</summary>
    public const int Size = 4096;

    /// <summary>The size of the file (two copies).</summary>
    public const int FileSize = 2 * Size;

    private readonly byte[] _raw;

    /// <summary>Creates an empty checkpoint (all zero) to fill in; the file type is set to Checkpoint.</summary>
    public CheckpointHeader()
    {
        _raw = new byte[Size];
        FileType = EseFileType.Checkpoint;
    }

    private CheckpointHeader(byte[] raw)
    {
        _raw = raw;
    }

    /// <summary>Reads the fields of one copy (no checks).</summary>
    public static CheckpointHeader Parse(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new FormatException($"A checkpoint copy needs {Size} bytes; only {source.Length} given.");
        }

        return new CheckpointHeader(source[..Size].ToArray());
    }

    /// <summary>Writes one copy with its XOR-32 checksum.</summary>
    public void Write(Span<byte> destination)
    {
        var d = destination[..Size];
        _raw.CopyTo(d);
        PageChecksum.WriteHeader(d);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(d);
    }

    /// <summary>Writes the whole 8192-byte file (two identical copies).</summary>
    public void WriteFile(Span<byte> destination)
    {
        Write(destination);
        destination[..Size].CopyTo(destination.Slice(Size, Size));
    }

    /// <summary>The whole 8192-byte file.</summary>
    public byte[] ToFileBytes()
    {
        var b = new byte[FileSize];
        WriteFile(b);
        return b;
    }

    /// <summary>Stored checksum (offset 0).</summary>
    public uint Checksum
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw);
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw, value);
    }

    /// <summary>Checkpoint of the last full backup (offset 4; <c>LastFullBackupCheckpoint:</c>).</summary>
    public LogPosition LastFullBackupCheckpoint
    {
        get => LogPosition.Read(_raw.AsSpan(4));
        set => value.Write(_raw.AsSpan(4));
    }

    /// <summary>The checkpoint (offset 12; <c>Checkpoint:</c>): its generation is the oldest log soft recovery needs.</summary>
    public LogPosition Checkpoint
    {
        get => LogPosition.Read(_raw.AsSpan(12));
        set => value.Write(_raw.AsSpan(12));
    }

    /// <summary>Log stream signature (offset 20; <c>Signature:</c>).</summary>
    public Signature LogSignature
    {
        get => Signature.Read(_raw.AsSpan(20));
        set => value.Write(_raw.AsSpan(20));
    }

    /// <summary>Log position of the last full backup (offset 615; <c>FullBackup:</c>).</summary>
    public LogPosition FullBackup
    {
        get => LogPosition.Read(_raw.AsSpan(615));
        set => value.Write(_raw.AsSpan(615));
    }

    /// <summary>Time of the last full backup (offset 623; <c>FullBackup time:</c>).</summary>
    public LogTime FullBackupTime
    {
        get => LogTime.Read(_raw.AsSpan(623));
        set => value.Write(_raw.AsSpan(623));
    }

    /// <summary>Log position of the last incremental backup (offset 631; <c>IncBackup:</c>).</summary>
    public LogPosition IncrementalBackup
    {
        get => LogPosition.Read(_raw.AsSpan(631));
        set => value.Write(_raw.AsSpan(631));
    }

    /// <summary>Time of the last incremental backup (offset 639; <c>IncBackup time:</c>).</summary>
    public LogTime IncrementalBackupTime
    {
        get => LogTime.Read(_raw.AsSpan(639));
        set => value.Write(_raw.AsSpan(639));
    }

    /// <summary>Version flags (offset 647): 0x01 = attach info present.</summary>
    public byte VersionFlags
    {
        get => _raw[647];
        set => _raw[647] = value;
    }

    /// <summary>Database consistency position (offset 648; <c>DbConsistency:</c>).</summary>
    public LogPosition DatabaseConsistency
    {
        get => LogPosition.Read(_raw.AsSpan(648));
        set => value.Write(_raw.AsSpan(648));
    }

    /// <summary>File type (offset 667): Checkpoint, or Unknown in old files.</summary>
    public EseFileType FileType
    {
        get => (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(667));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(667), (uint)value);
    }

    /// <summary>The attached databases (when <see cref="VersionFlags"/> has 0x01).</summary>
    public IReadOnlyList<AttachedDatabase> AttachedDatabases =>
        (VersionFlags & 1) != 0 ? AttachedDatabase.ReadList(_raw.AsSpan(679, 2048)) : [];
}
