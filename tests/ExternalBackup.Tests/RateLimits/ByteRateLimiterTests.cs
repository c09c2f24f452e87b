using ExternalBackup.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.RateLimits;

/// <summary>The read limit's blocking wait (the copier's reader thread): the limit holds within 10%, a cancelled wait aborts.</summary>
public class ByteRateLimiterTests
{
    [Test]
    public async Task A_reader_thread_is_held_to_the_limit_within_ten_percent_over_six_seconds()
    {
        const long limit = 2_500_000;
        var time = new FakeTimeProvider();
        using var limiter = new ByteRateLimiter(limit, time);
        var started = time.GetUtcNow();
        var total = 6 * limit;
        DateTimeOffset ended = default;
        var reading = Task.Factory.StartNew(() =>
        {
            for (long done = 0; done < total; done += 1 << 20)
            {
                limiter.Wait(Math.Min(1 << 20, total - done), CancellationToken.None);
            }

            ended = time.GetUtcNow();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await FakeTimeDriver.RunAsync(time, reading, () => limiter.HasWaiters);
        var seconds = (ended - started).TotalSeconds;
        Assert.That(seconds, Is.GreaterThan(5));
        Assert.That(total / seconds, Is.InRange(limit * 0.9, limit * 1.1), $"{total} bytes in {seconds} s of fake time");
    }

    [Test]
    public async Task Cancelling_a_blocked_reader_throws_operation_cancelled_on_its_thread()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ByteRateLimiter(RateLimitDefaults.MinimumBytesPerSecond, time);
        using var cancel = new CancellationTokenSource();
        var reading = Task.Factory.StartNew(() => limiter.Wait(10 * RateLimitDefaults.MinimumBytesPerSecond, cancel.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (!limiter.HasWaiters)
        {
            await Task.Yield();
        }

        await cancel.CancelAsync();
        Assert.That(async () => await reading, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(limiter.HasWaiters, Is.False);
    }
}
