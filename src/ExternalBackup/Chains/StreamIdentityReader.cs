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
/// <see cref="Declare"/>; a header read in the stream wins. The first log signature is reported at once
/// (<see cref="LogSignatureSeen"/>) so the chain rule can refuse a foreign log stream before the rest is copied.
/// One instance per backup run; files stream one after the other.
/// </summary>
internal sealed class StreamIdentityReader(IStreamVerifier? inner) : IStreamVerifier
{
    private readonly List<DatabaseIdentity> _databases = [];
    private readonly Dictionary<string, DatabaseIdentity> _declared = new(StringComparer.Ordinal);
    private string? _logSignature;
    private string? _logSignatureFile;

    /// <summary>Called with the log signature and the file it was read from when the first log header was read.</summary>
    public Action<string, string>? LogSignatureSeen { get; set; }

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
            SawLog(sourcePath, logSignature);
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
        return new SetIdentity
        {
            Instance = instance,
            LogSignature = _logSignature ?? (databaseSignatures.Count == 1 ? databaseSignatures[0] : null),
            Databases = [.. _databases],
        };
    }

    private void SawLog(string sourcePath, string signature)
    {
        if (_logSignature is null)
        {
            _logSignature = signature;
            _logSignatureFile = sourcePath;
            LogSignatureSeen?.Invoke(signature, sourcePath);
            return;
        }

        if (!string.Equals(signature, _logSignature, StringComparison.Ordinal))
        {
            throw new BackupVerificationException(sourcePath, 0, $"log signature {signature} differs from {_logSignature} of '{_logSignatureFile}': the set's logs are of two log streams");
        }
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
                owner.SawLog(file.SourcePath, SignatureText.Of(LogFileHeader.Parse(head).LogSignature));
            }

            _head = null;
        }
    }
}
