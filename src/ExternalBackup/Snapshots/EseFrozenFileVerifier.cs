using System.Buffers.Binary;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;

namespace ExternalBackup.Snapshots;

/// <summary>
/// <see cref="IFrozenFileVerifier"/> over the ESE format library: headers by content (database magic and header
/// copies, file type at offset 667, log and checkpoint header checks), pages through
/// <see cref="DatabasePageVerifier"/>, log segments or v7 checksum records through <see cref="LogFileVerifier"/>,
/// both copies of a checkpoint through <see cref="CheckpointVerification"/>.
/// </summary>
public sealed class EseFrozenFileVerifier : IFrozenFileVerifier
{
    /// <inheritdoc />
    public int HeaderBytes => DatabaseHeaderReader.BytesNeeded;

    /// <inheritdoc />
    public FrozenFileHeader? Identify(string path, ReadOnlySpan<byte> head, long length)
    {
        if (LooksLikeDatabase(head))
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
    public IFrozenFileCheck BeginCheck(FrozenFileHeader header, long length)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Type switch
        {
            FrozenFileType.Database => new DatabaseCheck(new DatabasePageVerifier(header.Path, header.PageSize), length),
            FrozenFileType.Log => new LogCheck(new LogFileVerifier(header.Path)),
            FrozenFileType.Checkpoint => new CheckpointCheck(header.Path, length),
            _ => throw new ArgumentException($"{header.Path}: {header.Type} files are not verified", nameof(header)),
        };
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

    private static bool LooksLikeDatabase(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) == DatabaseHeader.DatabaseMagic)
        {
            return true;
        }

        foreach (var cb in DatabaseHeaderReader.PageSizes)
        {
            if (head.Length >= cb + 8 && BinaryPrimitives.ReadUInt32LittleEndian(head[(cb + 4)..]) == DatabaseHeader.DatabaseMagic)
            {
                return true;
            }
        }

        return false;
    }

    private static string Text(Signature signature) => Chains.SignatureText.Of(signature);

    private static FrozenFileProblem[] Map(IEnumerable<VerificationProblem> problems, bool pages) =>
        problems.Where(p => !p.IsWarning)
            .Select(p => pages
                ? new FrozenFileProblem(p.Cause, p.Page, p.Offset ?? 0)
                : new FrozenFileProblem(p.Page is { } sector ? $"sector {sector}: {p.Cause}" : p.Cause, null, p.Offset ?? 0))
            .ToArray();

    private sealed class DatabaseCheck(DatabasePageVerifier verifier, long length) : IFrozenFileCheck
    {
        public void Append(long offset, ReadOnlySpan<byte> data) => verifier.Append(data);

        public IReadOnlyList<FrozenFileProblem> Complete() => Map(verifier.Complete(length).Problems, pages: true);
    }

    private sealed class LogCheck(LogFileVerifier verifier) : IFrozenFileCheck
    {
        public void Append(long offset, ReadOnlySpan<byte> data) => verifier.Append(data);

        public IReadOnlyList<FrozenFileProblem> Complete() => Map(verifier.Complete().Problems, pages: false);
    }

    private sealed class CheckpointCheck(string path, long length) : IFrozenFileCheck
    {
        private readonly MemoryStream _bytes = new((int)Math.Min(length, 1 << 20));

        public void Append(long offset, ReadOnlySpan<byte> data) => _bytes.Write(data);

        public IReadOnlyList<FrozenFileProblem> Complete() => Map(CheckpointVerification.Verify(path, _bytes.ToArray()).Problems, pages: false);
    }
}
