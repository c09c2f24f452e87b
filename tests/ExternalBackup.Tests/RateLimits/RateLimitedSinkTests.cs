using ExternalBackup.Manifest;
using ExternalBackup.RateLimits;
using ExternalBackup.Sinks;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.RateLimits;

/// <summary>The write limit: a sink decorator whose bytes per second hold within 10% over a run of seconds of fake time.</summary>
public class RateLimitedSinkTests
{
    private const long Limit = 4_000_000;

    [TestCase(256 * 1024)]
    [TestCase(1 << 20)]
    public async Task Writes_hold_the_limit_within_ten_percent_over_eight_seconds(int chunk)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var inner = new TimedSink(time);
        await using var sink = new RateLimitedSink(inner, Limit, time);
        var total = 8 * Limit;
        var started = time.GetUtcNow();
        var writing = Task.Run(async () =>
        {
            var data = new byte[chunk];
            for (long offset = 0; offset < total; offset += chunk)
            {
                await sink.WriteAsync(new BackupChunk(offset, data.AsMemory(0, (int)Math.Min(chunk, total - offset))), CancellationToken.None);
            }
        });
        await FakeTimeDriver.RunAsync(time, writing, () => sink.IsWaiting);

        var seconds = (inner.Writes[^1].At - started).TotalSeconds;
        var rate = total / seconds;
        Assert.That(seconds, Is.GreaterThan(7), "a multi-second run");
        Assert.That(rate, Is.InRange(Limit * 0.9, Limit * 1.1), $"{total} bytes in {seconds} s of fake time");
        for (var second = 1; second < (int)seconds; second++)
        {
            var window = inner.Writes.Where(w => w.At > started.AddSeconds(second - 1) && w.At <= started.AddSeconds(second)).Sum(w => (long)w.Bytes);
            Assert.That(window, Is.LessThanOrEqualTo(Limit * 1.1 + chunk), $"second {second}");
        }
    }

    [Test]
    public async Task Cancelling_a_write_that_waits_for_tokens_aborts_it_and_nothing_of_it_reaches_the_sink()
    {
        var time = new FakeTimeProvider();
        var inner = new TimedSink(time);
        await using var sink = new RateLimitedSink(inner, Limit, time);
        using var cancel = new CancellationTokenSource();
        var data = new byte[(int)(Limit * 3)];
        var writing = sink.WriteAsync(new BackupChunk(0, data), cancel.Token).AsTask();
        while (!sink.IsWaiting)
        {
            await Task.Yield();
        }

        await cancel.CancelAsync();
        Assert.That(async () => await writing, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(inner.Writes, Is.Empty);
        Assert.That(sink.IsWaiting, Is.False, "the cancelled wait left the queue");
    }

    [Test]
    public void Defaults_and_bounds_are_pinned()
    {
        Assert.That(RateLimitDefaults.Unlimited, Is.EqualTo(0));
        Assert.That(new global::ExternalBackup.Pipeline.StreamingBackupOptions().ReadBytesPerSecond, Is.EqualTo(RateLimitDefaults.Unlimited));
        Assert.That(new global::ExternalBackup.Snapshots.FrozenFolderSourceOptions().ReadBytesPerSecond, Is.EqualTo(RateLimitDefaults.Unlimited));
        var inner = new TimedSink(new FakeTimeProvider());
        Assert.That(RateLimitedSink.Wrap(inner, RateLimitDefaults.Unlimited), Is.SameAs(inner));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RateLimitedSink(inner, RateLimitDefaults.MinimumBytesPerSecond - 1));
    }

    /// <summary>Records when each write arrived, on fake time.</summary>
    private sealed class TimedSink(TimeProvider time) : IBackupSink
    {
        public List<(DateTimeOffset At, int Bytes)> Writes { get; } = [];

        public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
        {
            lock (Writes)
            {
                Writes.Add((time.GetUtcNow(), chunk.Data.Length));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask AbortAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
