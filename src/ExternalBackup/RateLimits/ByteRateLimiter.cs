using System.Threading.RateLimiting;

namespace ExternalBackup.RateLimits;

/// <summary>
/// Bytes per second through a token bucket (a System.Threading.RateLimiting <see cref="RateLimiter"/>, one permit a
/// byte: <see cref="TimedTokenBucket"/>) that holds two <see cref="RateLimitDefaults.ReplenishmentPeriod"/>s' bytes and
/// is refilled on the injected <see cref="TimeProvider"/>, so a limit holds on fake time in tests as on the real clock.
/// A request larger than the bucket waits for it piece by piece. Cancelling a wait throws
/// <see cref="OperationCanceledException"/> and takes nothing.
/// </summary>
internal sealed class ByteRateLimiter : IDisposable
{
    private readonly TimedTokenBucket _bucket;
    private readonly int _tokensPerPeriod;

    public ByteRateLimiter(long bytesPerSecond, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, RateLimitDefaults.MinimumBytesPerSecond);
        var period = RateLimitDefaults.ReplenishmentPeriod;
        _tokensPerPeriod = (int)Math.Min(int.MaxValue / 2, Math.Max(1, bytesPerSecond * period.Ticks / TimeSpan.TicksPerSecond));
        BytesPerSecond = bytesPerSecond;
        // Room for two periods: a waiter asks for at most one period's bytes, so no refill is cut off by the cap while
        // someone waits (the bucket only overflows when nobody does); the burst after idling is two periods' bytes.
        _bucket = new TimedTokenBucket(2 * _tokensPerPeriod, _tokensPerPeriod, period, time);
    }

    /// <summary>The limit.</summary>
    public long BytesPerSecond { get; }

    /// <summary>Whether a caller is waiting for tokens (tests advance fake time when one is).</summary>
    internal bool HasWaiters => _bucket.GetStatistics()?.CurrentQueuedCount > 0;

    /// <summary>Waits until <paramref name="bytes"/> may pass.</summary>
    public async ValueTask WaitAsync(long bytes, CancellationToken cancellationToken)
    {
        while (bytes > 0)
        {
            var piece = (int)Math.Min(bytes, _tokensPerPeriod);
            using var lease = await _bucket.AcquireAsync(piece, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException($"the rate limiter refused {piece} bytes (its queue is full: more than one caller at a time)");
            }

            bytes -= piece;
        }
    }

    /// <summary>Blocks until <paramref name="bytes"/> may pass (for a reader on a thread of its own).</summary>
    public void Wait(long bytes, CancellationToken cancellationToken)
    {
        while (bytes > 0)
        {
            var piece = (int)Math.Min(bytes, _tokensPerPeriod);
            using (var lease = _bucket.AttemptAcquire(piece))
            {
                if (lease.IsAcquired)
                {
                    bytes -= piece;
                    continue;
                }
            }

            WaitAsync(piece, cancellationToken).AsTask().GetAwaiter().GetResult();
            bytes -= piece;
        }
    }

    public void Dispose()
    {
        _bucket.Dispose();
    }
}
