using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.RateLimits;

/// <summary>
/// Limits the bytes an inner sink is given per second (restic's limiter backend, as a sink decorator beside
/// <see cref="Sinks.Resilience.ResilientSink"/>): each <see cref="WriteAsync"/> waits for its chunk's bytes, then writes.
/// Nothing else is limited; the set's commit is never delayed. The CLI wraps it outside the retry decorator: a write
/// waits for its bytes once, and its retries are not held back again.
/// </summary>
public sealed class RateLimitedSink : IBackupSink, IBackupSetCatalog
{
    private readonly IBackupSink _inner;
    private readonly ByteRateLimiter _limiter;

    /// <summary>Wraps <paramref name="inner"/> at <paramref name="bytesPerSecond"/> (at least <see cref="RateLimitDefaults.MinimumBytesPerSecond"/>), timed by <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).</summary>
    public RateLimitedSink(IBackupSink inner, long bytesPerSecond, TimeProvider? timeProvider = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        RateLimitDefaults.Validate(bytesPerSecond, nameof(bytesPerSecond));
        if (bytesPerSecond == RateLimitDefaults.Unlimited)
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), "an unlimited sink is not wrapped");
        }

        _limiter = new ByteRateLimiter(bytesPerSecond, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The limit.</summary>
    public long BytesPerSecond => _limiter.BytesPerSecond;

    /// <summary>Whether a write is waiting for tokens (tests advance fake time when one is).</summary>
    internal bool IsWaiting => _limiter.HasWaiters;

    /// <summary>Wraps <paramref name="inner"/> when <paramref name="bytesPerSecond"/> is a limit; returns it as it is when <see cref="RateLimitDefaults.Unlimited"/>.</summary>
    public static IBackupSink Wrap(IBackupSink inner, long bytesPerSecond, TimeProvider? timeProvider = null) =>
        bytesPerSecond == RateLimitDefaults.Unlimited ? inner : new RateLimitedSink(inner, bytesPerSecond, timeProvider);

    /// <inheritdoc />
    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => _inner.BeginSetAsync(set, cancellationToken);

    /// <inheritdoc />
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => _inner.OpenFileAsync(file, cancellationToken);

    /// <inheritdoc />
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        await _limiter.WaitAsync(chunk.Data.Length, cancellationToken).ConfigureAwait(false);
        await _inner.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => _inner.CompleteFileAsync(file, cancellationToken);

    /// <inheritdoc />
    public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => _inner.CommitAsync(manifest, cancellationToken);

    /// <inheritdoc />
    public ValueTask AbortAsync(CancellationToken cancellationToken) => _inner.AbortAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken) =>
        _inner is IBackupSetCatalog catalog ? catalog.ListSetsAsync(cancellationToken) : ValueTask.FromResult<IReadOnlyList<BackupManifest>>([]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _limiter.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }
}
