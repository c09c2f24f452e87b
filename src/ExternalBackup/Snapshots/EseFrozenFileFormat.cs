using System.Buffers.Binary;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Pipeline;
using ExternalBackup.Pipeline.Verification;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Snapshots;

/// <summary>
/// <see cref="IFrozenFileFormat"/> over the ESE format library: headers by content (database magic and header
/// copies, file type at offset 667, log and checkpoint header checks); database pages behind a damaged header by
/// their checksums (<see cref="PageChecksum"/>); verification by <see cref="EseStreamVerifier"/>, the streaming
/// path's verifier.
/// </summary>
public sealed class EseFrozenFileFormat : IFrozenFileFormat
{
    /// <summary>How many pages after the header pages are probed for database pages behind a damaged header.</summary>
    public const int PagesProbed = 8;
    /// <inheritdoc />
    public int HeaderBytes => DatabaseHeaderReader.BytesNeeded;

    /// <inheritdoc />
    public FrozenFileHeader? Identify(string path, ReadOnlySpan<byte> head, long length)
    {
        if (DatabaseHeaderReader.HasDatabaseMagic(head))
        {
            return IdentifyDatabase(path, head);
        }

        if (head.Length < HeaderOffsets.FileType + 4)
        {
            return null;
        }

        var type = (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(head[HeaderOffsets.FileType..]);
        switch (type)
        {
            case EseFileType.Log:
            case EseFileType.Unknown when LogFileHeader.Verify(head[..Math.Min(head.Length, LogFileHeader.Size)], length) is null:
            {
                var cause = LogFileHeader.Verify(head[..Math.Min(head.Length, LogFileHeader.Size)], length);
                if (cause is not null)
                {
                    throw new InvalidDataException($"{path}: {cause}");
                }

                var log = LogFileHeader.Parse(head);
                return new FrozenFileHeader { Path = path, Type = FrozenFileType.Log, LogSignature = Text(log.LogSignature), Generation = log.Generation };
            }

            case EseFileType.Checkpoint:
            {
                var read = CheckpointReader.Read(head);
                if (read.Header is null)
                {
                    throw new InvalidDataException($"{path}: {read.Cause}");
                }

                return new FrozenFileHeader { Path = path, Type = FrozenFileType.Checkpoint, LogSignature = Text(read.Header.LogSignature), Generation = read.Header.Checkpoint.Generation };
            }

            case EseFileType.TempDatabase:
            case EseFileType.FlushMap:
            case EseFileType.StreamingFile:
                return new FrozenFileHeader { Path = path, Type = FrozenFileType.Other, LogSignature = "" };

            default:
                return null;
        }
    }

    /// <inheritdoc />
    public IStreamVerifier CreateVerifier() => new EseStreamVerifier();

    /// <inheritdoc />
    public int? DatabasePageSizeBehindHeader(SafeFileHandle file, long length)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var pageSize in DatabaseHeaderReader.PageSizes)
        {
            if (length < 3L * pageSize || length % pageSize != 0)
            {
                continue;
            }

            var page = new byte[pageSize];
            var checkedPages = 0;
            var good = 0;
            for (var pgno = 1L; pgno <= PagesProbed && (pgno + 2) * pageSize <= length; pgno++)
            {
                RandomAccess.Read(file, page, (pgno + 1) * pageSize);
                if (PageChecksum.IsAllZero(page))
                {
                    continue;
                }

                checkedPages++;
                if (PageChecksum.VerifyPage(page, (uint)pgno).Status is PageChecksumStatus.Ok or PageChecksumStatus.Correctable)
                {
                    good++;
                }
            }

            if (checkedPages > 0 && good * 2 > checkedPages)
            {
                return pageSize;
            }
        }

        return null;
    }

    private static FrozenFileHeader IdentifyDatabase(string path, ReadOnlySpan<byte> head)
    {
        var read = DatabaseHeaderReader.Read(head);
        if (read.Header is not { } db)
        {
            throw new InvalidDataException($"{path}: database header unreadable: {read.Cause}");
        }

        var fileType = head.Length >= HeaderOffsets.FileType + 4 ? (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(head[HeaderOffsets.FileType..]) : EseFileType.Unknown;
        if (fileType is EseFileType.TempDatabase or EseFileType.StreamingFile)
        {
            return new FrozenFileHeader { Path = path, Type = FrozenFileType.Other, LogSignature = "" };
        }

        var state = db.State;
        var needsLogs = state is DatabaseState.DirtyShutdown or DatabaseState.DirtyAndPatchedShutdown;
        if (!needsLogs && state != DatabaseState.CleanShutdown)
        {
            throw new InvalidDataException($"{path}: database state {(int)state} ({state.ToEseutilText()}) is neither clean nor recoverable from logs");
        }

        return new FrozenFileHeader
        {
            Path = path,
            Type = FrozenFileType.Database,
            LogSignature = Text(db.LogSignature),
            DatabaseSignature = Text(db.DatabaseSignature),
            PageSize = read.PageSize,
            State = state.ToString(),
            NeedsLogs = needsLogs,
            RequiredLogLow = needsLogs ? db.GenMinRequired : 0,
            RequiredLogHigh = needsLogs ? db.GenMaxRequired : 0,
        };
    }

    private static string Text(Signature signature) => Chains.SignatureText.Of(signature);
}
