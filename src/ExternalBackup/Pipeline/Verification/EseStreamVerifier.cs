using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline.Verification;

/// <summary>
/// Checks what the engine streams, on this side of it, with the ESE format library: every database page
/// (checksum, page number; zero pages counted apart; the header copies and the trailer page), every log
/// (header and segment or record checksums), that each log's header generation is the one its name says, and
/// that every log and database belongs to one log stream (same log signature). One instance per backup run.
/// The first bad page stops the backup with the file, page, offset and cause.
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
            _ => new NoCheck(),
        };
    }

    private void CheckSignature(string file, Signature signature, string what)
    {
        if (_logSignature is not { } expected)
        {
            _logSignature = signature;
            _logSignatureSource = file;
            return;
        }

        if (!expected.Matches(signature))
        {
            throw new BackupVerificationException(file, 0, $"{what} {signature.ShortHex} does not match log signature {expected.ShortHex} of '{_logSignatureSource}': a file of another log stream (foreign)");
        }
    }

    private static BackupVerificationException Failure(string file, VerificationProblem problem) =>
        new(file, problem.Offset ?? 0, problem.Page is { } p ? $"page {p}: {problem.Cause}" : problem.Generation is { } g ? $"generation {g}: {problem.Cause}" : problem.Cause);

    private sealed class DatabaseCheck(EseStreamVerifier owner, BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly DatabasePageVerifier _pages = new(file.SourcePath);

        public void Append(ReadOnlySpan<byte> data, long offset)
        {
            _pages.Append(data);
            if (_pages.BadPageCount > 0)
            {
                var result = _pages.Complete();
                throw Failure(file.SourcePath, result.Problems.First(p => !p.IsWarning));
            }
        }

        public FileCheckResult Complete(long length)
        {
            var result = _pages.Complete(length);
            if (!result.Ok)
            {
                var problems = result.Problems.Where(p => !p.IsWarning).ToList();
                var pages = result.BadPages.Count == 0 ? string.Empty : $" (bad pages: {string.Join(", ", result.BadPages.Take(20))}{(result.BadPages.Count > 20 ? ", ..." : string.Empty)})";
                throw new BackupVerificationException(file.SourcePath, problems[0].Offset ?? 0, problems[0].Cause + pages);
            }

            if (result.Header is { } header)
            {
                owner.CheckSignature(file.SourcePath, header.LogSignature, "database log signature");
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
                null);
        }
    }

    private sealed class LogCheck(EseStreamVerifier owner, BackupFileDescriptor file) : IFileStreamCheck
    {
        private readonly LogFileVerifier _log = new(file.SourcePath);

        public void Append(ReadOnlySpan<byte> data, long offset) => _log.Append(data);

        public FileCheckResult Complete(long length)
        {
            var result = _log.Complete();
            if (!result.Ok)
            {
                throw Failure(file.SourcePath, result.Problems.First(p => !p.IsWarning));
            }

            if (result.Header is { } header)
            {
                if (LogFileName.TryParse(file.Path)?.Generation is { } n && n != header.Generation)
                {
                    throw new BackupVerificationException(file.SourcePath, 0, $"the name says generation {n} but the header holds generation {header.Generation}");
                }

                owner.CheckSignature(file.SourcePath, header.LogSignature, "log signature");
            }

            return new FileCheckResult(null, result.Header?.Generation);
        }
    }

    private sealed class NoCheck : IFileStreamCheck
    {
        public void Append(ReadOnlySpan<byte> data, long offset)
        {
        }

        public FileCheckResult Complete(long length) => new(null, null);
    }
}
