using System.Buffers.Binary;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;

namespace ExternalBackup.Formats.Files;

/// <summary>
/// Verifies ESE files and folders on disk (eseutil /k and /ml on a whole backup): classifies each file (database, log,
/// checkpoint, reserve or temporary log, flush map, other), streams it through <see cref="DatabasePageVerifier"/> or
/// <see cref="LogFileVerifier"/>, then runs <see cref="LogSetVerifier"/> over everything given.
/// Files named explicitly are always checked (an unrecognised one as a database); files found in folders that are
/// neither ESE by name nor by content are listed as <see cref="EseFileKind.Other"/>.
/// </summary>
public sealed class EseFileVerifier
{
    private static readonly string[] DatabaseExtensions = [".edb", ".dit", ".dat", ".mdb", ".sdb", ".stm", ".db"];
    private readonly EseFileVerifierOptions _options;

    /// <summary>Creates a verifier.</summary>
    public EseFileVerifier(EseFileVerifierOptions? options = null)
    {
        _options = options ?? new EseFileVerifierOptions();
    }

    /// <summary>Verifies files and folders. Throws <see cref="FileNotFoundException"/> for a path that does not exist.</summary>
    public async Task<VerificationReport> VerifyAsync(IEnumerable<string> paths, IProgress<FileVerification>? progress = null, CancellationToken cancellationToken = default)
    {
        var targets = new List<(string Path, bool Explicit)>();
        foreach (var p in paths)
        {
            var full = Path.GetFullPath(p);
            if (Directory.Exists(full))
            {
                var opt = _options.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
                targets.AddRange(Directory.EnumerateFiles(full, "*", opt).Order(StringComparer.Ordinal).Select(f => (f, false)));
            }
            else if (File.Exists(full))
            {
                targets.Add((full, true));
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {p}", p);
            }
        }

        var results = new List<FileVerification>();
        var distinct = targets.DistinctBy(t => t.Path).Select(t => (t.Path, t.Explicit, Refused: _options.RefuseBeforeOpening(t.Path))).ToList();
        // Lengths of what will be read: a refused entry is never looked at beyond its kind.
        var lengths = distinct.Select(t => t.Refused is null ? new FileInfo(t.Path).Length : 0).ToList();
        var tally = _options.Progress is { } reports ? new VerifierTally(reports, distinct.Count, lengths.Sum()) : null;
        for (var i = 0; i < distinct.Count; i++)
        {
            var (path, isExplicit, refused) = distinct[i];
            cancellationToken.ThrowIfCancellationRequested();
            tally?.Begin(path, lengths[i]);
            var r = refused is not null
                ? new FileVerification { Path = path, Kind = EseFileKind.Other, Problems = [new VerificationProblem(path, refused)], Length = 0 }
                : await VerifyFileCoreAsync(path, isExplicit, tally, cancellationToken).ConfigureAwait(false);
            tally?.End();
            results.Add(r);
            progress?.Report(r);
        }

        tally?.Finish();

        if (!_options.CheckSets)
        {
            return new VerificationReport(results, []);
        }

        var set = LogSetVerifier.Check(results);
        var withSet = results.Select(f =>
        {
            var mine = set.Where(p => string.Equals(p.Path, f.Path, StringComparison.Ordinal)).ToList();
            return mine.Count == 0 ? f : f with { Problems = [.. f.Problems, .. mine] };
        }).ToList();
        var setOnly = set.Where(p => !results.Any(f => string.Equals(f.Path, p.Path, StringComparison.Ordinal))).ToList();
        return new VerificationReport(withSet, setOnly);
    }

    /// <summary>The default of <see cref="EseFileVerifierOptions.RefuseBeforeOpening"/>: refuses a symbolic link (not followed), reads anything else.</summary>
    public static string? RefuseLinks(string path) => new FileInfo(path).LinkTarget is not null ? "a symbolic link: not followed" : null;

    /// <summary>Verifies one file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="treatUnknownAsDatabase">Check a file that is not recognised as a database (true for files named explicitly).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<FileVerification> VerifyFileAsync(string path, bool treatUnknownAsDatabase = true, CancellationToken cancellationToken = default) =>
        VerifyFileCoreAsync(path, treatUnknownAsDatabase, null, cancellationToken);

    private async Task<FileVerification> VerifyFileCoreAsync(string path, bool treatUnknownAsDatabase, VerifierTally? tally, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        var kind = await ClassifyAsync(path, treatUnknownAsDatabase, cancellationToken).ConfigureAwait(false);
        switch (kind)
        {
            case EseFileKind.Database:
            {
                var v = new DatabasePageVerifier(path);
                await StreamAsync(path, v.Append, tally, cancellationToken).ConfigureAwait(false);
                var d = v.Complete(length);
                return new FileVerification { Path = path, Kind = kind, Database = d, Problems = d.Problems, Length = length };
            }

            case EseFileKind.Log:
            {
                var v = new LogFileVerifier(path);
                await StreamAsync(path, v.Append, tally, cancellationToken).ConfigureAwait(false);
                var l = v.Complete();
                return new FileVerification { Path = path, Kind = kind, Log = l, Problems = l.Problems, Length = length };
            }

            case EseFileKind.Checkpoint:
            {
                var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                var c = CheckpointVerification.Verify(path, bytes);
                return new FileVerification { Path = path, Kind = kind, Checkpoint = c, Problems = c.Problems, Length = length };
            }

            case EseFileKind.FlushMap:
            {
                var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                return new FileVerification { Path = path, Kind = kind, Problems = FlushMapVerifier.Verify(path, bytes), Length = length };
            }

            case EseFileKind.Reserve:
            case EseFileKind.Temporary:
            {
                // No header to check: ESE creates these with a size only. Report an odd size as a warning.
                var problems = new List<VerificationProblem>();
                if (length == 0 || length % 512 != 0)
                {
                    problems.Add(new VerificationProblem(path, $"{kind.ToString().ToLowerInvariant()} log of {length} bytes is not a whole number of sectors", IsWarning: true));
                }

                return new FileVerification { Path = path, Kind = kind, Problems = problems, Length = length };
            }

            default:
                return new FileVerification { Path = path, Kind = EseFileKind.Other, Problems = [], Length = length };
        }
    }

    /// <summary>Decides what a file is from its name and first bytes.</summary>
    public static async Task<EseFileKind> ClassifyAsync(string path, bool treatUnknownAsDatabase, CancellationToken cancellationToken = default)
    {
        var name = LogFileName.TryParse(path);
        switch (name?.Kind)
        {
            case LogFileKind.Checkpoint: return EseFileKind.Checkpoint;
            case LogFileKind.Reserve: return EseFileKind.Reserve;
            case LogFileKind.Archived:
            case LogFileKind.Current:
                return EseFileKind.Log;
        }

        var ext = Path.GetExtension(path);
        if (ext.Equals(".jfm", StringComparison.OrdinalIgnoreCase))
        {
            return EseFileKind.FlushMap;
        }

        var head = new byte[DatabaseHeaderReader.BytesNeeded + 8];
        int read;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }

        var span = head.AsSpan(0, read);
        if (name?.Kind == LogFileKind.Temporary)
        {
            // edbtmp.log: the pre-created next log, not part of the sequence (ESE writes its header just before the rename).
            return EseFileKind.Temporary;
        }

        if (DatabaseHeaderReader.HasDatabaseMagic(span) || DatabaseExtensions.Contains(ext, StringComparer.OrdinalIgnoreCase))
        {
            return EseFileKind.Database;
        }

        if (span.Length >= HeaderOffsets.FileType + 4)
        {
            var type = (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(span[HeaderOffsets.FileType..]);
            if (type == EseFileType.Log && LogFileHeader.Verify(span[..Math.Min(span.Length, LogFileHeader.Size)]) is null)
            {
                return EseFileKind.Log;
            }

            if (type == EseFileType.Checkpoint && span.Length <= Checkpoint.CheckpointHeader.FileSize)
            {
                return EseFileKind.Checkpoint;
            }
        }

        return treatUnknownAsDatabase ? EseFileKind.Database : EseFileKind.Other;
    }

    private delegate void Sink(ReadOnlySpan<byte> data);

    private async Task StreamAsync(string path, Sink sink, VerifierTally? tally, CancellationToken cancellationToken)
    {
        var buffer = new byte[_options.ReadBufferSize];
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                sink(buffer.AsSpan(0, n));
                tally?.Read(n);
                if (n < buffer.Length)
                {
                    break;
                }
            }
        }
    }
}
