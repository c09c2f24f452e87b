using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sources.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Runs ESE's external backup sequence for one instance into a sink: <c>JetBeginExternalBackupInstance</c>,
/// <c>JetGetAttachInfoInstance</c>, for each database <c>JetOpenFileInstance</c>/<c>JetReadFileInstance</c>/
/// <c>JetCloseFileInstance</c>, <c>JetGetLogInfoInstance2</c>, the same for each log, the sink's commit,
/// <c>JetTruncateLogInstance</c> (full and incremental only), and <c>JetEndExternalBackupInstance2</c>.
/// <para>
/// The engine is one source of the one pipeline (<see cref="BackupSetWriter"/> over <see cref="FileCopier"/>):
/// reading, verifying, hashing and writing overlap on pooled, page-aligned buffers; every database the engine lists is
/// in the set or the backup fails naming it; logs are truncated only after the sink durably committed the set. Any
/// failure or cancellation ends the engine's backup with abort, aborts the sink and truncates nothing.
/// </para>
/// </summary>
public sealed class StreamingBackup
{
    private readonly IExternalBackupEngine _engine;
    private readonly IBackupSink _sink;
    private readonly StreamingBackupOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a backup of <paramref name="engine"/>'s instance into <paramref name="sink"/>.</summary>
    public StreamingBackup(IExternalBackupEngine engine, IBackupSink sink, StreamingBackupOptions? options = null, ILogger<StreamingBackup>? logger = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _options = options ?? new StreamingBackupOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs one backup of the given kind.</summary>
    /// <returns>
    /// The committed set. When <c>JetEndExternalBackupInstance2</c> failed after the commit and truncation,
    /// <see cref="BackupResult.EndFailure"/> says so: the set is good, the engine did not record the backup.
    /// </returns>
    /// <exception cref="EseException">An engine call failed; the engine's backup was ended with abort.</exception>
    /// <exception cref="BackupVerificationException">A file failed verification; nothing was committed or truncated.</exception>
    /// <exception cref="InvalidDataException">The engine listed or streamed something inconsistent; nothing was committed or truncated.</exception>
    /// <exception cref="LogTruncationException">The set was committed but truncation failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the engine's backup was ended with abort.</exception>
    public Task<BackupResult> RunAsync(BackupKind kind, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var settings = new BackupSetWriterSettings(_options.ChunkSize, _options.QueueDepth, _options.CreateVerifier?.Invoke(), _options.SetId, _options.TimeProvider, _logger)
        {
            StatusCallback = _options.StatusCallback,
            AllowOrphan = _options.AllowOrphan,
            ReadBytesPerSecond = _options.ReadBytesPerSecond,
        };
        return new BackupSetWriter(new EngineSource(_engine, _logger), _sink, settings).RunAsync(kind, progress, cancellationToken);
    }
}
