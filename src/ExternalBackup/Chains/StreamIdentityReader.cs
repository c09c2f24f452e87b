using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;

namespace ExternalBackup.Chains;

/// <summary>
/// Reads the set's identity from the headers of the files as they stream (database headers: <c>signDb</c> and
/// <c>signLog</c>; log headers: the log signature), whether or not the bytes are verified, and hands every chunk to
/// the verifier it wraps. The first log header is reported at once (<see cref="LogSignatureSeen"/>) so the chain
/// rule can refuse a foreign log stream before the rest is copied. One instance per backup run; files stream one
/// after the other.
/// </summary>
internal sealed class StreamIdentityReader(IStreamVerifier? inner) : IStreamVerifier
{
    private readonly List<DatabaseIdentity> _databases = [];
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

    private void SawLog(BackupFileDescriptor file, LogFileHeader header)
    {
        var signature = SignatureText.Of(header.LogSignature);
        if (_logSignature is null)
        {
            _logSignature = signature;
            _logSignatureFile = file.SourcePath;
            LogSignatureSeen?.Invoke(signature, file.SourcePath);
            return;
        }

        if (!string.Equals(signature, _logSignature, StringComparison.Ordinal))
        {
            throw new BackupVerificationException(file.SourcePath, 0, $"log signature {signature} differs from {_logSignature} of '{_logSignatureFile}': the set's logs are of two log streams");
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

        public void Append(ReadOnlySpan<byte> data, long offset)
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
                owner._databases.Add(read.Header is { } h
                    ? new DatabaseIdentity(file.Path, SignatureText.Of(h.DatabaseSignature), SignatureText.Of(h.LogSignature))
                    : new DatabaseIdentity(file.Path, null, null));
            }
            else if (LogFileHeader.Verify(head) is null)
            {
                // A damaged header gives no identity; the verifier (when on) fails the file for it.
                owner.SawLog(file, LogFileHeader.Parse(head));
            }

            _head = null;
        }
    }
}
