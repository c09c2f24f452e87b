using ExternalBackup.Cli;
using ExternalBackup.RateLimits;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary><c>--limit-read</c> and <c>--limit-write</c>: decimal MB/s, 0 or absent unlimited, a bad value one usage line.</summary>
public class TransferLimitOptionsTests
{
    [Test]
    public void Megabytes_per_second_become_bytes_per_second()
    {
        Assert.That(TransferLimitOptions.BytesPerSecond(null, "--limit-read"), Is.EqualTo(RateLimitDefaults.Unlimited));
        Assert.That(TransferLimitOptions.BytesPerSecond(0, "--limit-read"), Is.EqualTo(RateLimitDefaults.Unlimited));
        Assert.That(TransferLimitOptions.BytesPerSecond(12.5, "--limit-read"), Is.EqualTo(12_500_000));
        Assert.That(() => TransferLimitOptions.BytesPerSecond(0.01, "--limit-write"), Throws.ArgumentException.With.Message.Contains("--limit-write 0.01"));
        Assert.That(() => TransferLimitOptions.BytesPerSecond(-3, "--limit-read"), Throws.ArgumentException.With.Message.Contains("--limit-read -3"));
    }

    [Test]
    public async Task A_backup_with_both_limits_commits_and_a_limit_below_the_minimum_is_refused_before_anything_is_written()
    {
        using var scratch = new ScratchDirectory("cli-limits");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--limit-read", "0.01");
        Assert.That(exit, Is.EqualTo(CliConsole.UsageOrIo));
        Assert.That(error, Does.Contain("--limit-read 0.01").And.Not.Contain("   at "));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--limit-read", "2000", "--limit-write", "2000");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(Directory.EnumerateDirectories(destination).Count(), Is.EqualTo(1));
    }
}
