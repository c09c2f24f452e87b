using System.Diagnostics;
using System.Security.Cryptography;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Cli;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

/// <summary>The directory sink's lock (<c>DEST/.lock</c>): one writer at a time across processes, who holds it, read-only destinations.</summary>
public class DirectoryLockTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    [LinuxOnly("the racers are Linux processes started through dotnet")]
    [Test]
    public async Task Processes_racing_for_the_lock_never_both_hold_it()
    {
        using var scratch = new ScratchDirectory("lock-race");
        var destination = scratch.Sub("backups");
        var witness = Path.Combine(scratch.Path, "holder");
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
            [StartupHook.DestinationVariable] = destination,
            [StartupHook.HoldsVariable] = "300",
            [StartupHook.WitnessVariable] = witness,
        };
        using var guard = new CancellationTokenSource(Guard);

        var racers = Enumerable.Range(0, 3).Select(_ => StartRacer(environment)).ToList();
        var results = new List<(int Exit, string Out, string Err)>();
        try
        {
            foreach (var racer in racers)
            {
                racer.StandardInput.Close();
            }

            foreach (var racer in racers)
            {
                var output = racer.StandardOutput.ReadToEndAsync(guard.Token);
                var error = racer.StandardError.ReadToEndAsync(guard.Token);
                await racer.WaitForExitAsync(guard.Token);
                results.Add((racer.ExitCode, await output, await error));
            }
        }
        finally
        {
            foreach (var racer in racers)
            {
                if (!racer.HasExited)
                {
                    racer.Kill(entireProcessTree: true);
                }

                racer.Dispose();
            }
        }

        foreach (var (exit, output, error) in results)
        {
            Assert.That(exit, Is.Zero, $"{output}\n{error}");
            Assert.That(output, Does.Match(@"held 300 refused \d+ overlaps 0 errors 0"));
        }

        Assert.That(results.Sum(r => int.Parse(r.Out.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture)), Is.Positive, $"the racers met: some attempts found the lock held ({string.Join("; ", results.Select(r => r.Out.Trim()))})");
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty, "every holder deleted the lock file it held, and staging");
    }

    [Test]
    public void A_lock_names_the_folder_as_its_caller_says_what_it_is()
    {
        using var scratch = new ScratchDirectory("lock-named");
        var folder = scratch.Sub("instance");
        var instance = new LockedFolder("instance folder", "another backup of the instance is running in");
        using var held = DirectoryLock.Acquire(folder, ".instance.lock", instance);

        var e = Assert.Throws<IOException>(() => DirectoryLock.Acquire(folder, ".instance.lock", instance));

        Assert.That(e!.Message, Does.StartWith($"another backup of the instance is running in {folder}: its lock file {Path.Combine(folder, ".instance.lock")} is held by process {Environment.ProcessId}").And.Not.Contain("destination"));
    }

    [Test]
    public async Task A_held_lock_says_which_process_holds_it()
    {
        using var scratch = new ScratchDirectory("lock-held");
        var destination = scratch.Sub("backups");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "frozen"); // a set the CLI plans, so that it reaches the destination
        await using var holder = new DirectorySink(destination);
        await holder.BeginSetAsync(new ExternalBackup.Sinks.BackupSetDescriptor("held", ExternalBackup.Manifest.BackupKind.Full, DateTimeOffset.UnixEpoch, "test"), default);
        using var guard = new CancellationTokenSource(Guard);

        using var other = CliRun.Start(new Dictionary<string, string>(), "backup", "--from-snapshot", folder, "--to", destination);
        var error = other.StandardError.ReadToEndAsync(guard.Token);
        await other.WaitForExitAsync(guard.Token);

        Assert.That(other.ExitCode, Is.EqualTo(2), await error);
        Assert.That(await error, Does.Contain($"another backup is writing into {destination}: its lock file {Path.Combine(destination, DirectorySink.LockFileName)} is held by process {Environment.ProcessId} on {Environment.MachineName}: "));
        await holder.AbortAsync(default);
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task A_lock_held_by_an_older_version_that_records_nothing_names_the_process_the_kernel_lists()
    {
        Assume.That(OperatingSystem.IsLinux(), "/proc/locks is Linux's");
        using var scratch = new ScratchDirectory("lock-old");
        var destination = scratch.Sub("backups");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "frozen"); // a set the CLI plans, so that it reaches the destination
        // What older versions did: the lock file opened with FileShare.None (.NET's exclusive flock), nothing written.
        using var old = new FileStream(Path.Combine(destination, DirectorySink.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var guard = new CancellationTokenSource(Guard);

        using var other = CliRun.Start(new Dictionary<string, string>(), "backup", "--from-snapshot", folder, "--to", destination);
        var error = other.StandardError.ReadToEndAsync(guard.Token);
        await other.WaitForExitAsync(guard.Token);

        Assert.That(other.ExitCode, Is.EqualTo(2), await error);
        Assert.That(await error, Does.Contain($"is held by process {Environment.ProcessId} ("));
    }

    [Test]
    public async Task A_lock_file_left_by_a_killed_run_is_taken_over_and_removed()
    {
        using var scratch = new ScratchDirectory("lock-leftover");
        File.WriteAllText(Path.Combine(scratch.Path, DirectorySink.LockFileName), "process 1 on gone: esebackup backup");
        await using var sink = new DirectorySink(scratch.Path);

        await DirectorySinkTests.WriteSetAsync(sink, "s1", commit: true, ("databases/db.edb", RandomNumberGenerator.GetBytes(100)));

        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "s1" }));
    }

    [Test]
    public void A_lock_file_that_is_a_symbolic_link_is_refused_and_its_target_left_alone()
    {
        Assume.That(OperatingSystem.IsLinux(), "O_NOFOLLOW is how the lock refuses links");
        using var scratch = new ScratchDirectory("lock-link");
        var destination = scratch.Sub("backups");
        var target = Path.Combine(scratch.Path, "precious.txt");
        File.WriteAllText(target, "not a lock file");
        File.CreateSymbolicLink(Path.Combine(destination, DirectorySink.LockFileName), target);

        var e = Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var sink = new DirectorySink(destination);
            await DirectorySinkTests.WriteSetAsync(sink, "s1", commit: true, ("databases/db.edb", [1, 2, 3]));
        })!;

        Assert.That(e.Message, Is.EqualTo($"the lock file {Path.Combine(destination, DirectorySink.LockFileName)} is a symbolic link: refusing to follow it"));
        Assert.That(File.ReadAllText(target), Is.EqualTo("not a lock file"));
        Assert.That(Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName), Is.EqualTo(new[] { DirectorySink.LockFileName }), "no set, no staging; the link is the user's to remove");
    }

    [LinuxOnly("a tmpfs remounted read-only")]
    [Test]
    public async Task A_read_only_destination_is_reported_as_read_only_and_left_as_it_was()
    {
        using var scratch = new ScratchDirectory("lock-ro");
        var destination = scratch.Sub("backups");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "frozen"); // a set the CLI plans, so that it reaches the destination
        // Root ignores permissions, so the destination is made read-only the way the kernel enforces for everyone:
        // a tmpfs mounted there and remounted read-only.
        if (!OperatingSystem.IsLinux() || Tool("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", destination).Exit != 0)
        {
            TestPaths.MissingPrerequisite("cannot mount a tmpfs here (it needs root on Linux), so no destination can be made read-only for this process; the read-only report is not tested");
        }

        try
        {
            await using (var sink = new DirectorySink(destination))
            {
                await DirectorySinkTests.WriteSetAsync(sink, "s1", commit: true, ("databases/db.edb", RandomNumberGenerator.GetBytes(100)));
            }

            var before = DirectorySinkTests.Snapshot(destination);
            Assert.That(Tool("mount", "-o", "remount,ro", destination).Exit, Is.Zero);

            await using var second = new DirectorySink(destination);
            var e = Assert.ThrowsAsync<IOException>(async () => await DirectorySinkTests.WriteSetAsync(second, "s2", commit: true, ("databases/db.edb", [1, 2, 3])))!;
            Assert.That(e.Message, Is.EqualTo($"the backup destination {destination} is read-only (a read-only file system): cannot create its lock file {Path.Combine(destination, DirectorySink.LockFileName)}"));

            var (exit, _, error) = await CliRun.InProcess("backup", "--from-snapshot", folder, "--to", destination);
            Assert.That(exit, Is.EqualTo(2), error);
            Assert.That(error, Does.Contain($"the backup destination {destination} is read-only").And.Not.Contain("another backup"));
            Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
        }
        finally
        {
            Assert.That(Tool("umount", destination).Exit, Is.Zero, "unmounting the test's tmpfs");
        }
    }

    /// <summary>Starts esebackup with the racer as its startup hook; it waits for its standard input to end.</summary>
    private static Process StartRacer(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esebackup.dll"));
        start.ArgumentList.Add("--version");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("cannot start esebackup");
    }

    private static (int Exit, string Error) Tool(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
