using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.Sinks.Resilience;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that runs an operation to its end by moving its own time on. After a timer fires
/// the clock waits (in real time, briefly) until the operation has reacted, by setting its next timer or by ending,
/// so that it never races ahead of retries whose continuations run on the thread pool.
/// </summary>
internal sealed class FakeClock : FakeTimeProvider
{
    /// <summary>The most fake time one run may take before the test fails instead of spinning for ever.</summary>
    private static readonly TimeSpan FakeLimit = TimeSpan.FromDays(2);

    /// <summary>How long in real time an operation may take to react to a timer before the test fails.</summary>
    private static readonly TimeSpan ReactionLimit = TimeSpan.FromSeconds(30);

    private int _created;
    private int _fired;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(
            s =>
            {
                Interlocked.Increment(ref _fired);
                callback(s);
            },
            state,
            dueTime,
            period);
        Interlocked.Increment(ref _created);
        return timer;
    }

    /// <summary>
    /// Starts <paramref name="operation"/> (on the calling thread, up to its first wait) and advances by
    /// <paramref name="step"/> until it ends; returns the fake time that passed and what it threw (or <see langword="null"/>).
    /// </summary>
    public async Task<(TimeSpan Elapsed, Exception? Failure)> RunAsync(Func<Task> operation, TimeSpan step)
    {
        var start = GetUtcNow();
        var ended = start;
        async Task<Exception?> WatchAsync()
        {
            try
            {
                await operation();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
            finally
            {
                ended = GetUtcNow();
            }
        }

        var task = WatchAsync();
        while (!task.IsCompleted)
        {
            if (GetUtcNow() - start > FakeLimit)
            {
                Assert.Fail($"the operation did not end within {FakeLimit} of fake time");
            }

            var created = Volatile.Read(ref _created);
            var fired = Volatile.Read(ref _fired);
            Advance(step);
            if (Volatile.Read(ref _fired) != fired)
            {
                await ReactionAsync(task, created);
            }
            else
            {
                await YieldFairlyAsync();
            }
        }

        var failure = await task;
        return (ended - start, failure);
    }

    private async Task ReactionAsync(Task task, int created)
    {
        var waiting = TimeProvider.System.GetTimestamp();
        while (!task.IsCompleted && Volatile.Read(ref _created) == created)
        {
            if (TimeProvider.System.GetElapsedTime(waiting) > ReactionLimit)
            {
                Assert.Fail($"the operation neither ended nor set a timer within {ReactionLimit} after a timer fired at {this}");
            }

            await YieldFairlyAsync();
        }
    }

    /// <summary>Lets queued continuations run first: the clock's own continuation goes to the back of the thread pool's global queue.</summary>
    private static Task YieldFairlyAsync() =>
        Task.Factory.StartNew(static () => { }, CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
}
