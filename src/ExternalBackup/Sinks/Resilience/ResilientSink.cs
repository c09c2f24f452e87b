using ExternalBackup.Manifest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// Retries the calls of an inner sink through the one resilience pipeline (<see cref="SinkResiliencePipeline"/>,
/// <see cref="SinkResilienceOptions"/>), asking the inner sink which failures are transient when it is an
/// <see cref="ISinkFaultClassifier"/> (else <see cref="SinkFaults.Classifier"/>). Only sink calls are retried, never
/// engine reads. A retried write resends the same chunk at the same offset: the chunk stays valid until the write
/// returns, and sinks treat a repeated write as idempotent. A sink that retries its own requests (the S3 sink) is not
/// wrapped again, or every request would be retried twice over.
/// </summary>
public sealed class ResilientSink : IBackupSink, IBackupSetCatalog
{
    private readonly IBackupSink _inner;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>
    /// Wraps <paramref name="inner"/>; throws <see cref="ArgumentException"/> naming a bad option. Retries are logged to
    /// <paramref name="logger"/>; delays and timeouts run on <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public ResilientSink(IBackupSink inner, SinkResilienceOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        var classifier = inner as ISinkFaultClassifier ?? SinkFaults.Classifier;
        _pipeline = SinkResiliencePipeline.Create(
            options ?? new SinkResilienceOptions(), classifier, inner.GetType().Name, logger ?? NullLogger.Instance, timeProvider, OnRetry);
    }

    /// <summary>Retries so far.</summary>
    public int Retries { get; private set; }

    /// <inheritdoc />
    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (state, ct) => state.Inner.BeginSetAsync(state.Set, ct), (Inner: _inner, Set: set), cancellationToken);

    /// <inheritdoc />
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (state, ct) => state.Inner.OpenFileAsync(state.File, ct), (Inner: _inner, File: file), cancellationToken);

    /// <inheritdoc />
    public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (state, ct) => state.Inner.WriteAsync(state.Chunk, ct), (Inner: _inner, Chunk: chunk), cancellationToken);

    /// <inheritdoc />
    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (state, ct) => state.Inner.CompleteFileAsync(state.File, ct), (Inner: _inner, File: file), cancellationToken);

    /// <inheritdoc />
    public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (state, ct) => state.Inner.CommitAsync(state.Manifest, ct), (Inner: _inner, Manifest: manifest), cancellationToken);

    /// <inheritdoc />
    public ValueTask AbortAsync(CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (inner, ct) => inner.AbortAsync(ct), _inner, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken) =>
        _inner is IBackupSetCatalog catalog
            ? _pipeline.ExecuteAsync(static (c, ct) => c.ListSetsAsync(ct), catalog, cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<BackupManifest>>([]);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private void OnRetry(Exception exception, int attempt, TimeSpan delay) => Retries++;
}
