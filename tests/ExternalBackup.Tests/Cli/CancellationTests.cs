using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Sinks;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// Ctrl+C: the built CLI, started as a child process on a 64 MiB instance, gets SIGINT (or SIGTERM) as its staged
/// copy of the database appears (strace delivers it on that <c>openat</c>, so the test does not race the copy); it
/// must end the engine's backup with abort, remove the staging, truncate nothing, print one line and exit 130.
/// </summary>
[LinuxOnly("strace delivers POSIX signals to a child process")]
public sealed class CancellationTests
{
    [TestCase("INT", TestName = "SIGINT during a backup aborts it cleanly and exits 130")]
    [TestCase("TERM", TestName = "SIGTERM during a backup aborts it cleanly and exits 130")]
    public async Task A_signal_during_a_backup_aborts_it_and_exits_130(string signal)
    {
        using var scratch = new ScratchDirectory("cancel");
        var instance = Path.Combine(scratch.Path, "instance");
        await SyntheticInstanceWriter.WriteAsync(instance, new SyntheticInstanceOptions
        {
            // 64 MiB: many chunks of copying after the signal, each a point where the copy sees the cancellation.
            Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageCount = 64L * 1024 * 1024 / 4096 })],
            Logs = new SyntheticLogSetOptions { Count = 4 },
        });
        var destination = scratch.Sub("backups");
        var logs = Snapshot(instance, "*.log");
        var staging = Path.Combine(destination, DirectorySink.StagingFolderName);

        // The signal comes as the staged copy of the database is created (strace injects it there): mid-backup, with no race.
        var (exit, stderr) = await TracedBackup.RunSignalledAtAsync("openat", Path.Combine(staging, "s1", "databases", "ntds.dit"), signal, "--engine", "model", "--instance", instance, "--to", destination, "--set-id", "s1");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(130), stderr);
            // Besides the periodic progress lines of a redirected stderr, the cancellation is one line, the last.
            var lines = stderr.TrimEnd().Split('\n');
            Assert.That(StandardErrorLines.Messages(stderr), Is.EqualTo(new[] { $"esebackup: cancelled: the backup was aborted; nothing was truncated and {destination} is as it was" }), "one line");
            Assert.That(lines[^1], Does.StartWith("esebackup: cancelled: "), "the cancellation is the last line");
            Assert.That(stderr, Does.Not.Contain("   at "));
            Assert.That(Directory.Exists(staging) ? Directory.EnumerateFileSystemEntries(staging, "*", SearchOption.AllDirectories) : [], Is.Empty, "no staging is left");
            Assert.That(Directory.EnumerateDirectories(destination).Where(d => !Path.GetFileName(d).StartsWith('.')), Is.Empty, "no set was committed");
            Assert.That(Snapshot(instance, "*.log").Keys, Is.SupersetOf(logs.Keys), "no log was truncated");
            Assert.That(logs.Where(l => Path.GetFileName(l.Key) != "edb.log").All(l => File.Exists(l.Key) && new FileInfo(l.Key).Length == l.Value), Is.True, "every archived log is whole");
        });

        // The destination still takes the next backup.
        var (next, _, err) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy");
        Assert.That(next, Is.Zero, err);
    }

    private static Dictionary<string, long> Snapshot(string folder, string pattern) =>
        Directory.GetFiles(folder, pattern).ToDictionary(f => f, f => new FileInfo(f).Length);
}
