using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline.Verification;

/// <summary>
/// Checks what a source streams, on this side of it, with the ESE format library: every database page (checksum,
/// page number; zero pages counted apart; the header copies and the trailer page), every log (header and segment or
/// record checksums), both copies of a checkpoint, that each log's header generation is the one its name says, and
/// that every log and every database that needs logs belongs to one log stream (same log signature). One instance per backup run. Every
/// problem of a file is collected; the copier decides at the file's end (<see cref="FileVerdict"/>). A single-bit
/// error that the page's or segment's ECC corrects is corrected in the copy (<see cref="EccCorrector"/>) and reported.
/// </summary>
public sealed class EseStreamVerifier : IStreamVerifier
{
    private Signature? _logSignature;
    private string? _logSignatureSource;

    /// <inheritdoc />
    public IFileStreamCheck Begin(BackupFileDescriptor file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Kind switch
        {
            BackupFileKind.Database => new DatabaseCheck(this, file),
            BackupFileKind.Log => new LogCheck(this, file),
            BackupFileKind.Checkpoint => new CheckpointCheck(file),
            _ => new NoCheck(),
        };
    }

    private FileProblem? CheckSignature(string file, Signature signature, string what)
    {
        if (_logSignature is not { } expected)
        {
            _logSignature = signature;
            _logSignatureSource = file;
            return null;
        }

        return expected.Matches(signature)
            ? null
            : new FileProblem($"{what} {signature.ShortHex} does not match log signature {expected.ShortHex} of '{_logSignatureSource}': a file of another log stream (foreign)", 0);
    }

    private static FileProblem Map(VerificationProblem problem) =>
        new(problem.Generation is { } g && problem.Page is null ? $"generation {g}: {problem.Cause}" : problem.Cause, problem.Offset ?? 0, problem.Page);

    private sealed class DatabaseCheck(EseStreamVerifier owner, BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly DatabasePageVerifier _pages = new(file.SourcePath);
        private readonly EccCorrector _corrector = new(file.Path, isLog: false);

        public void Append(Span<byte> data, long offset)
        {
            _pages.Append(data);
            _corrector.Correct(data, offset, _pages.PageSize, _pages.CorrectablePagesSoFar);
        }

        public FileCheckResult Complete(long length)
        {
            var result = _pages.Complete(length);
            var problems = result.Problems.Where(p => !p.IsWarning).Select(Map).Concat(_corrector.Problems).ToList();
            // A cleanly shut-down database is consistent on its own and may come from another log stream; one that needs
            // logs (every database the engine streams from a running instance) must carry the set's log signature.
            if (result.Header is { State: not Formats.Database.DatabaseState.CleanShutdown } header && owner.CheckSignature(file.SourcePath, header.LogSignature, "database log signature") is { } foreign)
            {
                problems.Add(foreign);
            }

            return new FileCheckResult(
                new ManifestDatabase
                {
                    Path = file.Path,
                    PageSize = result.PageSize,
                    State = result.Header?.State.ToString(),
                    LogSignature = result.Header?.LogSignature.ShortHex,
                    RequiredLogLow = result.Header?.GenMinRequired,
                    RequiredLogHigh = result.Header?.GenMaxRequired,
                    HasTrailerPage = result.Trailer is not null,
                },
                null)
            {
                Problems = problems,
                Corrections = _corrector.Corrections,
            };
        }
    }

    private sealed class LogCheck(EseStreamVerifier owner, BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly LogFileVerifier _log = new(file.SourcePath);
        private readonly EccCorrector _corrector = new(file.Path, isLog: true);

        public void Append(Span<byte> data, long offset)
        {
            _log.Append(data);
            if (_log.Header is { IsSegmentFormat: true })
            {
                _corrector.Correct(data, offset, LogFileHeader.SegmentSize, _log.CorrectableSegmentsSoFar);
            }
        }

        public FileCheckResult Complete(long length)
        {
            var result = _log.Complete();
            var corrected = _corrector.Corrections.Select(c => c.Page).ToHashSet();
            var problems = result.Problems
                .Where(p => !p.IsWarning && !(p.Page is { } segment && corrected.Contains(segment)))
                .Select(Map)
                .Concat(_corrector.Problems)
                .ToList();
            if (result.Header is { } header)
            {
                if (LogFileName.TryParse(Path.GetFileName(file.Path))?.Generation is { } n && n != header.Generation)
                {
                    problems.Add(new FileProblem($"the name says generation {n} but the header holds generation {header.Generation}", 0));
                }

                if (owner.CheckSignature(file.SourcePath, header.LogSignature, "log signature") is { } foreign)
                {
                    problems.Add(foreign);
                }
            }

            return new FileCheckResult(null, result.Header?.Generation) { Problems = problems, Corrections = _corrector.Corrections };
        }
    }

    private sealed class CheckpointCheck(BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly MemoryStream _bytes = new((int)Math.Clamp(file.ExpectedLength, 0, 1 << 20));

        public void Append(Span<byte> data, long offset) => _bytes.Write(data);

        public FileCheckResult Complete(long length) =>
            new(null, null) { Problems = CheckpointVerification.Verify(file.SourcePath, _bytes.ToArray()).Problems.Where(p => !p.IsWarning).Select(Map).ToList() };
    }

    private sealed class NoCheck : IFileStreamCheck
    {
        public void Append(Span<byte> data, long offset)
        {
        }

        public FileCheckResult Complete(long length) => new(null, null);
    }
}
