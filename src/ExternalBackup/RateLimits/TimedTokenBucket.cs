using System.Threading.RateLimiting;

namespace ExternalBackup.RateLimits;

/// <summary>
/// A token bucket as a <see cref="RateLimiter"/> of System.Threading.RateLimiting, refilled by a timer of an injected
/// <see cref="TimeProvider"/>. The library's own <see cref="TokenBucketRateLimiter"/> measures elapsed time on
/// <see cref="System.Diagnostics.Stopwatch"/> even when replenished by hand, so it cannot run on fake time; this one
/// adds <c>tokensPerPeriod</c> at each tick and nothing else. Waiters are served oldest first; a cancelled waiter
/// leaves the queue and takes nothing.
/// </summary>
internal sealed class TimedTokenBucket : RateLimiter
{
    private static readonly RateLimitLease Acquired = new Lease(true);
    private static readonly RateLimitLease Refused = new Lease(false);

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly int _limit;
    private readonly int _tokensPerPeriod;
    private readonly ITimer _timer;
    private int _tokens;
    private long _queued;
    private bool _disposed;

    /// <summary>A full bucket of <paramref name="limit"/> tokens, <paramref name="tokensPerPeriod"/> added each <paramref name="period"/> of <paramref name="time"/>.</summary>
    public TimedTokenBucket(int limit, int tokensPerPeriod, TimeSpan period, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerPeriod, 1);
        _limit = limit;
        _tokensPerPeriod = tokensPerPeriod;
        _tokens = limit;
        _timer = time.CreateTimer(static state => ((TimedTokenBucket)state!).Refill(), this, period, period);
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = _tokens, CurrentQueuedCount = _queued };
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _limit);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return TryTake(permitCount) ? Acquired : Refused;
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _limit);
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TryTake(permitCount))
            {
                return ValueTask.FromResult(Acquired);
            }

            waiter = new Waiter(permitCount);
            waiter.Node = _queue.AddLast(waiter);
            _queued += permitCount;
        }

        waiter.Cancellation = cancellationToken.Register(static (state, token) =>
        {
            var (bucket, w) = ((TimedTokenBucket, Waiter))state!;
            lock (bucket._lock)
            {
                if (w.Node?.List is null)
                {
                    return;
                }

                bucket._queue.Remove(w.Node);
                bucket._queued -= w.Permits;
            }

            w.Completion.TrySetCanceled(token);
        }, (this, waiter));
        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        _timer.Dispose();
        List<Waiter> left;
        lock (_lock)
        {
            _disposed = true;
            left = [.. _queue];
            _queue.Clear();
            _queued = 0;
        }

        foreach (var waiter in left)
        {
            waiter.Cancellation.Dispose();
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(TimedTokenBucket)));
        }
    }

    private bool TryTake(int permits)
    {
        if (_queue.Count > 0 || _tokens < permits)
        {
            return false;
        }

        _tokens -= permits;
        return true;
    }

    private void Refill()
    {
        var granted = new List<Waiter>();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _tokens = Math.Min(_limit, _tokens + _tokensPerPeriod);
            while (_queue.First is { } first && first.Value.Permits <= _tokens)
            {
                _tokens -= first.Value.Permits;
                _queued -= first.Value.Permits;
                _queue.RemoveFirst();
                granted.Add(first.Value);
            }
        }

        foreach (var waiter in granted)
        {
            waiter.Cancellation.Dispose();
            waiter.Completion.TrySetResult(Acquired);
        }
    }

    private sealed class Waiter(int permits)
    {
        public int Permits { get; } = permits;

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
