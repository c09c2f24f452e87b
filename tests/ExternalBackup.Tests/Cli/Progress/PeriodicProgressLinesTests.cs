using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.Cli.Progress;

/// <summary>Redirected standard error gets a plain line at the start, one every 5 s of the clock, and one at the end.</summary>
public sealed class PeriodicProgressLinesTests
{
    [Test]
    public void LinesComeAtTheStartEveryFiveSecondsOfTheClockAndAtTheEnd()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        using var error = new StringWriter();
        var view = new PeriodicProgressLines(new StderrLines(error), time);
        const long total = 120L << 20;

        // 13 reports one second apart, 10 MiB each: lines at 0 s, 5 s and 10 s, then the end at 12 s.
        for (var second = 0; second <= 12; second++)
        {
            var done = second * (10L << 20);
            view.Show(new ProgressSample("backup", "databases", done, total, 0, 1, "/data/ntds.dit", Finished: done == total));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(4), error.ToString());
        Assert.That(lines[0], Is.EqualTo("esebackup: backup databases: 0 B of 120.0 MiB (0%), 0/1 files, -, ETA -, /data/ntds.dit"));
        Assert.That(lines[1], Is.EqualTo("esebackup: backup databases: 50.0 MiB of 120.0 MiB (42%), 0/1 files, 10.0 MiB/s, ETA 0:07, /data/ntds.dit"));
        Assert.That(lines[2], Is.EqualTo("esebackup: backup databases: 100.0 MiB of 120.0 MiB (83%), 0/1 files, 10.0 MiB/s, ETA 0:02, /data/ntds.dit"));
        Assert.That(lines[3], Is.EqualTo("esebackup: backup done: 120.0 MiB of 120.0 MiB (100%), 0/1 files, 10.0 MiB/s, in 0:12"));
    }

    [Test]
    public void TheRateFollowsTheLastTenSecondsAndTheTimeLeftFollowsTheRate()
    {
        var time = new FakeTimeProvider();
        var rate = new TransferRate(time);
        rate.Observe(0);
        Assert.That(rate.BytesPerSecond, Is.Null, "one observation gives no rate");
        for (var second = 1; second <= 20; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            rate.Observe(second <= 10 ? second * 1000L : 10_000 + ((second - 10) * 100L));
        }

        // The first ten seconds ran at 1000 B/s, the last ten at 100 B/s: only the last ten count.
        Assert.That(rate.BytesPerSecond, Is.EqualTo(100).Within(0.001));
        Assert.That(rate.Remaining(1000), Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(rate.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }
}
