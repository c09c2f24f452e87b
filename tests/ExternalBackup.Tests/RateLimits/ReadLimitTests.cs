using ExternalBackup.Buffers;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.RateLimits;
using ExternalBackup.Sinks;
using ExternalBackup.Sources;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.RateLimits;

/// <summary>The read limit at the one place the copier reads: source reads hold the limit within 10% over seconds of fake time.</summary>
public class ReadLimitTests
{
    [Test]
    public async Task The_copier_reads_its_sources_at_the_limit_within_ten_percent()
    {
        const long limit = 1_500_000;
        const int chunk = 96 * 1024;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        using var limiter = new ByteRateLimiter(limit, time);
        using var pool = new AlignedBufferPool(chunk, 4);
        var reads = new List<(DateTimeOffset At, int Bytes)>();
        var files = Enumerable.Range(1, 3).Select(i => new SourceFile($"logs/f{i}", BackupFileKind.Other, $"/src/f{i}")).ToList();
        var copier = new FileCopier(new NullSink(), pool, 2, new StreamIdentityReader(null)) { ReadLimit = limiter };
        var started = time.GetUtcNow();
        var copying = copier.CopyAllAsync(files, _ => new ZeroReader(2_000_000, time, reads), _ => { }, CancellationToken.None);
        await FakeTimeDriver.RunAsync(time, copying, () => limiter.HasWaiters);

        var total = reads.Sum(r => (long)r.Bytes);
        Assert.That(total, Is.EqualTo(6_000_000));
        var seconds = (time.GetUtcNow() - started).TotalSeconds;
        Assert.That(seconds, Is.GreaterThan(3));
        Assert.That(total / seconds, Is.InRange(limit * 0.9, limit * 1.1), $"{total} bytes read in {seconds} s of fake time");
    }

    private sealed class ZeroReader(long length, TimeProvider time, List<(DateTimeOffset At, int Bytes)> reads) : ISourceFileReader
    {
        public long Length => length;

        public int Read(Span<byte> buffer, long offset)
        {
            var count = (int)Math.Min(buffer.Length, length - offset);
            buffer[..count].Clear();
            lock (reads)
            {
                reads.Add((time.GetUtcNow(), count));
            }

            return count;
        }

        public void Complete()
        {
        }

        public string LengthMismatch(long streamed) => $"streamed {streamed} of {length}";

        public void Dispose()
        {
        }
    }
}
