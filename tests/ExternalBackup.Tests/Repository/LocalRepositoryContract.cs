using ExternalBackup.Tests.Common;
using System.Diagnostics;
using ExternalBackup.Repository;
using ExternalBackup.Restore;

namespace ExternalBackup.Tests.Repository;

/// <summary>What hostile content a local destination can hold in place of a file of a set.</summary>
public enum HostileEntry
{
    /// <summary>A symbolic link to <c>/dev/zero</c>.</summary>
    LinkToDevZero,
    /// <summary>A symbolic link to a file outside the set.</summary>
    LinkOutside,
    /// <summary>A FIFO nobody writes to.</summary>
    Fifo,
    /// <summary>A character device node (like <c>/dev/zero</c>).</summary>
    Device,
}

/// <summary>
/// The contract for destinations that can hold links and special files (a folder, a tar archive): each is refused
/// before anything is read from it, quickly (a FIFO does not hang), and the error says nothing of what lies outside.
/// </summary>
public abstract class LocalRepositoryContract : BackupRepositoryContract
{
    /// <summary>A file outside every set whose size and hash must never show up in an error.</summary>
    protected const string OutsideSecret = "outside the set: a secret of 37 bytes";

    /// <summary>Puts <paramref name="entry"/> where <paramref name="path"/> of set <paramref name="setName"/> was; <paramref name="outside"/> is a file outside the set.</summary>
    protected abstract Task PlaceAsync(string setName, string path, HostileEntry entry, string outside);

    [LinuxOnly("Linux links, FIFOs and device nodes")]
    [TestCase(HostileEntry.LinkToDevZero)]
    [TestCase(HostileEntry.LinkOutside)]
    [TestCase(HostileEntry.Fifo)]
    [TestCase(HostileEntry.Device)]
    [CancelAfter(30_000)]
    public async Task Hostile_entries_are_refused_before_reading_and_reveal_nothing_outside_the_set(HostileEntry entry)
    {
        using var scratch = new Common.ScratchDirectory("hostile");
        var outside = Path.Combine(scratch.Path, "outside.txt");
        await File.WriteAllTextAsync(outside, OutsideSecret);
        await using var _ = await WriteAsync(Sets);
        await PlaceAsync("s1-full", "checkpoint/edb.chk", entry, outside);
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[0];
        var file = set.Manifest.Files.Single(f => f.Path == "checkpoint/edb.chk");
        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, file));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "refused at once, not after reading or waiting");
        Assert.That(e!.Message, Does.Contain("set 's1-full'").And.Contain("'checkpoint/edb.chk'"));
        Assert.That(e.Message, Does.Contain(entry switch
        {
            HostileEntry.Fifo => "FIFO",
            HostileEntry.Device => "device",
            _ => "link",
        }));
        var secretHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(OutsideSecret)));
        var verification = await ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        var all = string.Join("\n", verification.AllProblems.Append(e.Message));
        Assert.That(all, Does.Not.Contain(secretHash).And.Not.Contain(outside));
        Assert.That(verification.Ok, Is.False);
        var target = Path.Combine(scratch.Path, "restored");
        Assert.ThrowsAsync<InvalidDataException>(async () => await ChainRestore.RestoreAsync(repository, target, null, null, CancellationToken.None));
        Assert.That(Directory.Exists(target), Is.False);
    }

    /// <summary>Runs a tool (mkfifo, mknod); fails the test naming it when it cannot.</summary>
    protected static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Ignore($"{tool} {string.Join(' ', args)} is not possible here: {error}");
        }
    }
}
