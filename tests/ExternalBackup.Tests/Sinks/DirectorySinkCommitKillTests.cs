using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Cli;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// A backup killed (<c>SIGKILL</c>, injected by <c>strace</c> on entry to one system call of the commit) leaves no
/// visible set and every committed byte as it was, truncates nothing, and the next run succeeds; killed after the
/// rename, the set is there and whole.
/// </summary>
[LinuxOnly("strace injects the kills")]
public class DirectorySinkCommitKillTests
{
    [TestCase("openat", "manifest.json", TestName = "Killed as the manifest is created: no new set")]
    [TestCase("fsync,fdatasync", "manifest.json", TestName = "Killed as the manifest is flushed: no new set")]
    [TestCase("rename", "", TestName = "Killed at the rename into place: no new set")]
    public async Task A_backup_killed_mid_commit_leaves_no_visible_set(string calls, string inStaging)
    {
        using var scratch = new ScratchDirectory("commit-kill");
        var instance = Path.Combine(scratch.Path, "instance");
        await DirectorySinkCommitOrderTests.WriteInstanceAsync(instance);
        var destination = scratch.Sub("backups");
        // A set already there (of another instance: this one's first full must take all of its logs).
        var other = Path.Combine(scratch.Path, "other");
        await DirectorySinkCommitOrderTests.WriteInstanceAsync(other);
        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", other, "--to", destination, "--kind", "full", "--set-id", "s0");
        Assert.That(exit, Is.Zero, error);
        var before = DirectorySinkTests.Snapshot(destination);
        var logs = Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).Order().ToList();

        var staging = Path.Combine(destination, DirectorySink.StagingFolderName, "s1");
        (exit, error) = await TracedBackup.RunKilledAtAsync(calls, Path.Combine(staging, inStaging), "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full", "--set-id", "s1");
        Assert.That(exit, Is.EqualTo(128 + 9), $"the backup was killed: {error}");
        Assert.That(Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Count(), Is.GreaterThan(40), "it died with the whole set staged");

        var sink = new DirectorySink(destination);
        Assert.That((await sink.ListSetsAsync(default)).Select(s => s.SetId), Is.EqualTo(new[] { "s0" }), "no new set is visible");
        Assert.That(Directory.Exists(Path.Combine(destination, "s1")), Is.False);
        Assert.That(DirectorySinkTests.Snapshot(destination).Split('\n').Where(l => !l.StartsWith(".staging", StringComparison.Ordinal) && !l.StartsWith(".lock", StringComparison.Ordinal)),
            Is.EqualTo(before.Split('\n')), "every committed byte is as it was");
        Assert.That(Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).Order(), Is.SupersetOf(logs), "nothing was truncated (the backup began a new log)");

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full", "--set-id", "s1");
        Assert.That(exit, Is.Zero, error);
        Assert.That((await sink.ListSetsAsync(default)).Select(s => s.SetId), Is.EqualTo(new[] { "s0", "s1" }));
        Assert.That(Directory.Exists(Path.Combine(destination, DirectorySink.StagingFolderName)), Is.False, "the leftovers were removed");
    }

    [Test]
    public async Task A_backup_killed_after_the_rename_leaves_its_whole_set()
    {
        using var scratch = new ScratchDirectory("commit-kill-after");
        var instance = Path.Combine(scratch.Path, "instance");
        await DirectorySinkCommitOrderTests.WriteInstanceAsync(instance);
        var destination = scratch.Sub("backups");

        // The destination folder's flush follows the rename: the set is committed, only its entry's flush is lost.
        var (exit, error) = await TracedBackup.RunKilledAtAsync("fsync", destination, "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy", "--set-id", "s1");
        Assert.That(exit, Is.EqualTo(128 + 9), $"the backup was killed: {error}");
        Assert.That((await new DirectorySink(destination).ListSetsAsync(default)).Select(s => s.SetId), Is.EqualTo(new[] { "s1" }));
        var (vexit, output, verror) = await CliRun.InProcess("restore", "--from", destination, "--verify-only");
        Assert.That(vexit, Is.Zero, output + verror);
    }
}
