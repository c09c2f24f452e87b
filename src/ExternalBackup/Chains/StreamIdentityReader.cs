using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;

namespace ExternalBackup.Chains;

/// <summary>
/// Reads the set's identity from the headers of the files as they stream (database headers: <c>signDb</c> and
/// <c>signLog</c>; log headers: the log signature), whether or not the bytes are verified, and hands every chunk to
/// the verifier it wraps. A source that read the headers already (a frozen file's plan) declares them with
/// <see cref="Declare"/>; a header read in the stream wins. Each log stream's first log signature is reported at once
/// (<see cref="LogSignatureSeen"/>) so the chain rule can refuse a foreign log stream before the rest is copied. A set
/// of several components holds one log stream per component (<c>logs/&lt;component&gt;</c>), each with its own
/// signature (<see cref="SetIdentity.LogStreams"/>); two signatures in one stream's folder are refused.
/// One instance per backup run; files stream one after the other.
/// </summary>
internal sealed class StreamIdentityReader(IStreamVerifier? inner) : IStreamVerifier
{
    private readonly List<DatabaseIdentity> _databases = [];
    private readonly Dictionary<string, DatabaseIdentity> _declared = new(StringComparer.Ordinal);
    // Per log stream (the log's folder in the set: logs, or logs/<component> with several components): its signature and the file it was read from.
    private readonly SortedDictionary<string, (string Signature, string File)> _streams = new(StringComparer.Ordinal);

    /// <summary>Called with the log stream (its folder in the set), its signature and the file it was read from when the stream's first log header was read.</summary>
    public Action<string, string, string>? LogSignatureSeen { get; set; }

    /// <inheritdoc />
    public IFileStreamCheck Begin(BackupFileDescriptor file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new HeaderCheck(this, file, inner?.Begin(file));
    }

    /// <summary>Header facts the source read before the copy: a log's signature (checked at once), a database's signatures.</summary>
    public void Declare(BackupFileKind kind, string setPath, string sourcePath, string? logSignature, string? databaseSignature)
    {
        if (kind == BackupFileKind.Log && logSignature is not null)
        {
            SawLog(setPath, sourcePath, logSignature);
        }
        else if (kind == BackupFileKind.Database)
        {
            _declared[setPath] = new DatabaseIdentity(setPath, databaseSignature, logSignature);
        }
    }

    /// <summary>The identity of the set streamed so far.</summary>
    public SetIdentity Identity(string instance)
    {
        var databaseSignatures = _databases.Select(d => d.LogSignature).Where(s => s is not null).Distinct(StringComparer.Ordinal).ToList();
        var several = _streams.Count > 1;
        return new SetIdentity
        {
            Instance = instance,
            LogSignature = several ? null : _streams.Count == 1 ? _streams.Values.First().Signature : databaseSignatures.Count == 1 ? databaseSignatures[0] : null,
            LogStreams = several ? [.. _streams.Select(s => new LogStreamIdentity(s.Key, s.Value.Signature))] : null,
            Databases = [.. _databases],
        };
    }

    private void SawLog(string setPath, string sourcePath, string signature)
    {
        var stream = LogStreamOf(setPath);
        if (!_streams.TryGetValue(stream, out var known))
        {
            _streams[stream] = (signature, sourcePath);
            LogSignatureSeen?.Invoke(stream, signature, sourcePath);
            return;
        }

        if (!string.Equals(signature, known.Signature, StringComparison.Ordinal))
        {
            throw new BackupVerificationException(sourcePath, 0, $"log signature {signature} differs from {known.Signature} of '{known.File}': the logs stored in {stream} are of two log streams");
        }
    }

    /// <summary>A log's stream: its folder in the set (the restore's <see cref="Restore.RestoreLayout.LogStreamOf"/> rule).</summary>
    private static string LogStreamOf(string setPath)
    {
        var slash = setPath.LastIndexOf('/');
        return slash < 0 ? "" : setPath[..slash];
    }

    private sealed class HeaderCheck(StreamIdentityReader owner, BackupFileDescriptor file, IFileStreamCheck? inner) : IFileStreamCheck
    {
        private readonly int _needed = file.Kind switch
        {
            BackupFileKind.Database => DatabaseHeaderReader.BytesNeeded,
            BackupFileKind.Log => LogFileHeader.Size,
            _ => 0,
        };

        private byte[]? _head;
        private int _count;
        private bool _read;

        public void Append(Span<byte> data, long offset)
        {
            inner?.Append(data, offset);
            if (_read || _needed == 0)
            {
                return;
            }

            _head ??= new byte[_needed];
            var take = Math.Min(data.Length, _needed - _count);
            data[..take].CopyTo(_head.AsSpan(_count));
            _count += take;
            if (_count == _needed)
            {
                ReadHeader();
            }
        }

        public FileCheckResult Complete(long length)
        {
            var result = inner?.Complete(length) ?? new FileCheckResult(null, null);
            if (!_read && _needed > 0)
            {
                ReadHeader();
            }

            return result;
        }

        private void ReadHeader()
        {
            _read = true;
            var head = (_head ?? []).AsSpan(0, _count);
            if (file.Kind == BackupFileKind.Database)
            {
                var read = DatabaseHeaderReader.Read(head);
                owner._declared.Remove(file.Path, out var declared);
                owner._databases.Add(read.Header is { } h
                    ? new DatabaseIdentity(file.Path, SignatureText.Of(h.DatabaseSignature), SignatureText.Of(h.LogSignature))
                    : declared ?? new DatabaseIdentity(file.Path, null, null));
            }
            else if (LogFileHeader.Verify(head) is null)
            {
                // A damaged header (or another format's) gives no identity; the verifier (when on) fails the file for it.
                owner.SawLog(file.Path, file.SourcePath, SignatureText.Of(LogFileHeader.Parse(head).LogSignature));
            }

            _head = null;
        }
    }
}
