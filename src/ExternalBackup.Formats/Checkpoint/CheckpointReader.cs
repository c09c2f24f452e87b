using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Checkpoint;

/// <summary>Reads a checkpoint file (two 4096-byte copies, each with an XOR-32 checksum); never throws on bad input.</summary>
public static class CheckpointReader
{
    /// <summary>Reads the checkpoint from the file bytes (8192 expected).</summary>
    public static CheckpointRead Read(ReadOnlySpan<byte> file)
    {
        var primaryCause = CopyCause(file, 0);
        var shadowCause = CopyCause(file, CheckpointHeader.Size);
        if (primaryCause is null && shadowCause is null)
        {
            var same = file[..CheckpointHeader.Size].SequenceEqual(file.Slice(CheckpointHeader.Size, CheckpointHeader.Size));
            return new CheckpointRead(CheckpointHeader.Parse(file), same ? HeaderCopyStatus.BothValid : HeaderCopyStatus.BothValidDifferent,
                same ? null : "primary and shadow checkpoint copies differ");
        }

        if (primaryCause is null)
        {
            return new CheckpointRead(CheckpointHeader.Parse(file), HeaderCopyStatus.ShadowBad, "shadow copy: " + shadowCause);
        }

        if (shadowCause is null)
        {
            return new CheckpointRead(CheckpointHeader.Parse(file[CheckpointHeader.Size..]), HeaderCopyStatus.PrimaryBad, "primary copy: " + primaryCause);
        }

        return new CheckpointRead(null, HeaderCopyStatus.BothBad, $"checkpoint corrupt (primary: {primaryCause}; shadow: {shadowCause})");
    }

    private static string? CopyCause(ReadOnlySpan<byte> file, int offset)
    {
        if (file.Length < offset + CheckpointHeader.Size)
        {
            return $"file too short ({file.Length} bytes)";
        }

        var copy = file.Slice(offset, CheckpointHeader.Size);
        var check = PageChecksum.VerifyHeader(copy);
        if (check.Status == PageChecksumStatus.Uninitialized)
        {
            return "zeroed";
        }

        if (check.Status != PageChecksumStatus.Ok)
        {
            return $"checksum mismatch at offset {offset}: stored 0x{check.Stored:x8}, computed 0x{check.Computed:x8}";
        }

        var type = (EseFileType)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(copy[HeaderOffsets.FileType..]);
        return type is EseFileType.Checkpoint or EseFileType.Unknown ? null : $"file type {(int)type} is not a checkpoint";
    }
}
