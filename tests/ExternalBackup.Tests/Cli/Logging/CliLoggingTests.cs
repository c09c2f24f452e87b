using System.Text.Json;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Cli.Logging;

/// <summary>The root options -v, --quiet, --log-level and --json decide what a command writes on standard error: step events, progress, or nothing.</summary>
public sealed class CliLoggingTests
{
    [Test]
    public async Task QuietPrintsNothingOnStandardErrorForASuccessfulBackup()
    {
        using var scratch = new ScratchDirectory("cli-quiet");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "a.edb");

        var (exit, output, error) = await CliRun.InProcess("backup", "--quiet", "--engine", "model", "--instance", instance, "--to", scratch.Sub("backups"));

        Assert.That(exit, Is.Zero, error);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain("full backup of"));
    }

    [Test]
    public async Task WithJsonTheResultIsOneObjectOnStandardOutputAndProgressAndEventsAreJsonLinesOnStandardError()
    {
        using var scratch = new ScratchDirectory("cli-json");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "a.edb");

        var (exit, output, error) = await CliRun.InProcess("-v", "backup", "--json", "--engine", "model", "--instance", instance, "--to", scratch.Sub("backups"));

        Assert.That(exit, Is.Zero, error);
        Assert.That(CliRun.Json(output).GetProperty("kind").GetString(), Is.EqualTo("full"), "standard output is the result alone");
        var lines = error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var progress = lines.Where(l => l.GetProperty("event").GetString() == "progress").ToList();
        var events = lines.Where(l => l.GetProperty("event").GetString() == "log").ToList();
        Assert.That(progress, Is.Not.Empty);
        Assert.That(progress.Select(p => p.GetProperty("bytesDone").GetInt64()), Is.Ordered);
        Assert.That(progress[^1].GetProperty("finished").GetBoolean(), Is.True);
        Assert.That(progress[^1].GetProperty("phase").GetString(), Is.EqualTo("completed"));
        Assert.That(events.Select(e => e.GetProperty("id").GetInt32()), Does.Contain(1101).And.Contain(1104).And.Contain(1111));
        var copied = events.First(e => e.GetProperty("name").GetString() == "FileCopied").GetProperty("fields");
        Assert.That(copied.GetProperty("Sha256").GetString(), Has.Length.EqualTo(64));
        Assert.That(copied.GetProperty("Bytes").GetInt64(), Is.Positive);
    }

    [Test]
    public async Task VerboseShowsTheStepEventsAndTheDefaultOnlyProgress()
    {
        using var scratch = new ScratchDirectory("cli-verbose");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "a.edb");

        var (exit, _, verbose) = await CliRun.InProcess("backup", "-v", "--engine", "model", "--instance", instance, "--to", scratch.Sub("one"));
        Assert.That(exit, Is.Zero, verbose);
        var (exitDefault, _, plain) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", scratch.Sub("two"));
        Assert.That(exitDefault, Is.Zero, plain);

        Assert.That(verbose, Does.Contain("esebackup: info 1101 BackupBegan: ").And.Contain("esebackup: info 1205 LogsTruncated: ").And.Contain("esebackup: info 1111 BackupSucceeded: "));
        Assert.That(plain, Does.Not.Contain(" info "));
        Assert.That(plain.TrimEnd(), Does.StartWith("esebackup: backup ").And.Contain("esebackup: backup done: "), "redirected: plain progress lines");
    }

    [Test]
    public async Task TheLogLevelOptionSetsTheLevelAndQuietWithVerboseIsAUsageError()
    {
        using var scratch = new ScratchDirectory("cli-level");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "a.edb");

        var (exit, _, error) = await CliRun.InProcess("--log-level", "none", "backup", "--engine", "model", "--instance", instance, "--to", scratch.Sub("one"));
        Assert.That(exit, Is.Zero, error);
        Assert.That(error, Does.Not.Contain(" info ").And.Not.Contain(" warning "));

        var refused = Path.Combine(scratch.Path, "refused");
        (exit, _, error) = await CliRun.InProcess("backup", "--quiet", "-v", "--engine", "model", "--instance", instance, "--to", refused, "--create-destination");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--quiet cannot be combined with --verbose"));
        Assert.That(Directory.Exists(refused), Is.False, "nothing was written");

        (exit, _, error) = await CliRun.InProcess("backup", "--log-level", "loud", "--engine", "model", "--instance", instance, "--to", refused, "--create-destination");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("loud"));
    }
}
