using ExternalBackup.Cli;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Retention;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Repository;

namespace ExternalBackup.Tests.Retention;

/// <summary>
/// <c>forget</c> on a folder: a crash right after a manifest is removed leaves whole sets only (verified), the next run
/// sweeps the leftovers; a dry run removes nothing; a running backup's lock stops it; a single tar archive is refused.
/// </summary>
public class ForgetTests
{
    private static async Task<string> WriteAsync(ScratchDirectory scratch)
    {
        var destination = scratch.Sub("backups");
        foreach (var set in BackupRepositoryContract.Sets.Append(BackupRepositoryContract.SecondFull))
        {
            await using var sink = new DirectorySink(destination, new DirectorySinkOptions { FlushToDisk = false });
            await set.WriteAsync(sink);
        }

        return destination;
    }

    [Test]
    public async Task A_crash_after_a_manifest_is_removed_leaves_whole_sets_that_verify_and_the_next_run_finishes()
    {
        using var scratch = new ScratchDirectory("forget-crash");
        var destination = await WriteAsync(scratch);
        await using var repository = new DirectoryRepository(destination);
        var crashing = new CrashAfterManifest(repository, crashOnRemoval: 2);
        var policy = new RetentionPolicy { KeepLast = 1 };
        Assert.ThrowsAsync<IOException>(async () => await Forget.RunAsync(repository, crashing, policy, dryRun: false, null, CancellationToken.None));
        Assert.That(crashing.ManifestsRemoved, Is.EqualTo(new[] { "s3-differential", "s2-incremental" }));

        await using (var reopened = new DirectoryRepository(destination))
        {
            var left = await reopened.ListSetsAsync(CancellationToken.None);
            Assert.That(left.Select(s => s.Name), Is.EqualTo(new[] { "s1-full", "s4-full" }), "the set whose manifest went is no set; the rest are whole");
            var verification = await ChainRestore.VerifyAsync(reopened, null, BackupRepositoryContract.Bytewise, CancellationToken.None);
            Assert.That(verification.Ok, Is.True, string.Join("; ", verification.AllProblems));
            Assert.That(Directory.Exists(Path.Combine(destination, "s2-incremental")), Is.True, "its files are still there, marked");
        }

        var result = await Forget.RunAsync(repository, repository, policy, dryRun: false, null, CancellationToken.None);
        Assert.That(result.Swept, Has.Some.Contains("'s2-incremental'"));
        Assert.That(result.Removed, Is.EqualTo(new[] { "s1-full" }));
        Assert.That(Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName), Is.EqualTo(new[] { "s4-full" }), "no leftovers, no lock file");
    }

    [Test]
    public async Task On_real_ese_sets_a_crash_after_a_manifest_delete_leaves_the_destination_green_for_esebackup_verify()
    {
        using var scratch = new ScratchDirectory("forget-ese");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        foreach (var kind in new[] { "full", "incremental", "full", "incremental" })
        {
            var (code, _, backupError) = await Cli.CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", kind);
            Assert.That(code, Is.EqualTo(0), backupError);
        }

        await using var repository = new DirectoryRepository(destination);
        var sets = await repository.ListSetsAsync(CancellationToken.None);
        Assert.That(sets, Has.Count.EqualTo(4));
        var crashing = new CrashAfterManifest(repository, crashOnRemoval: 1);
        Assert.ThrowsAsync<IOException>(async () => await Forget.RunAsync(repository, crashing, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None));
        Assert.That(crashing.ManifestsRemoved, Is.EqualTo(new[] { sets[1].Name }), "the newest set not kept goes first");

        var (exit, output, error) = await Cli.CliRun.InProcess("verify", destination);
        Assert.That(exit, Is.EqualTo(0), output + error);
        (exit, output, error) = await Cli.CliRun.InProcess("forget", "--from", destination, "--keep-last", "1");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain($"cleaned: removed the files of set '{sets[1].Name}'").And.Contain($"removed {sets[0].Name}").And.Contain($"keep    {sets[2].Name}"));
        (exit, output, error) = await Cli.CliRun.InProcess("verify", destination);
        Assert.That(exit, Is.EqualTo(0), output + error);
        Assert.That((await new DirectoryRepository(destination).ListSetsAsync(CancellationToken.None)).Select(s => s.Name), Is.EqualTo(new[] { sets[2].Name, sets[3].Name }));
    }

    [Test]
    public async Task The_cli_dry_run_reports_every_set_with_its_reason_and_removes_nothing_then_the_real_run_removes()
    {
        using var scratch = new ScratchDirectory("forget-cli");
        var destination = await WriteAsync(scratch);
        var before = Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.MainAsync(["forget", "--from", destination, "--keep-last", "1", "--dry-run"], output, error);
        Assert.That(exit, Is.EqualTo(CliConsole.Ok), error.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal), Is.EqualTo(before), "--dry-run removes nothing");
        Assert.That(output.ToString(), Does.Contain("remove  s1-full").And.Contain("keep    s4-full").And.Contain("last").And.Contain("nothing was removed"));

        using var json = new StringWriter();
        exit = await Program.MainAsync(["forget", "--from", destination, "--keep-last", "1", "--json"], json, error);
        Assert.That(exit, Is.EqualTo(CliConsole.Ok), error.ToString());
        Assert.That(json.ToString(), Does.Contain("\"action\": \"removed\"").And.Contain("\"action\": \"keep\""));
        Assert.That(await new DirectoryRepository(destination).ListSetsAsync(CancellationToken.None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task No_policy_is_a_usage_error_and_removes_nothing()
    {
        using var scratch = new ScratchDirectory("forget-empty");
        var destination = await WriteAsync(scratch);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.That(await Program.MainAsync(["forget", "--from", destination], output, error), Is.EqualTo(CliConsole.UsageOrIo));
        Assert.That(error.ToString(), Does.Contain("give at least one --keep-last"));
        Assert.That(await new DirectoryRepository(destination).ListSetsAsync(CancellationToken.None), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_backup_holding_the_destination_lock_stops_forget_before_anything_is_removed()
    {
        using var scratch = new ScratchDirectory("forget-locked");
        var destination = await WriteAsync(scratch);
        await using var running = new DirectorySink(destination, new DirectorySinkOptions { FlushToDisk = false });
        await running.BeginSetAsync(new global::ExternalBackup.Sinks.BackupSetDescriptor("s5-running", global::ExternalBackup.Manifest.BackupKind.Full, DateTimeOffset.UnixEpoch, "contract-instance"), CancellationToken.None);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.That(await Program.MainAsync(["forget", "--from", destination, "--keep-last", "1"], output, error), Is.EqualTo(CliConsole.UsageOrIo));
        Assert.That(error.ToString(), Does.Contain("another backup is writing into"));
        Assert.That(await new DirectoryRepository(destination).ListSetsAsync(CancellationToken.None), Has.Count.EqualTo(4));
        Assert.That(Directory.Exists(Path.Combine(destination, DirectorySink.StagingFolderName, "s5-running")), Is.True, "the running backup's staging is not swept");
        await running.AbortAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_single_tar_archive_is_refused_in_one_line()
    {
        using var scratch = new ScratchDirectory("forget-tar-file");
        var archive = Path.Combine(scratch.Path, "one.tar");
        await using (var sink = new TarSink(archive))
        {
            await BackupRepositoryContract.Sets[0].WriteAsync(sink);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.That(await Program.MainAsync(["forget", "--from", "tar:" + archive, "--keep-last", "1"], output, error), Is.EqualTo(CliConsole.UsageOrIo));
        Assert.That(error.ToString().Trim(), Does.Contain("is a single archive").And.Contain("nothing was removed").And.Not.Contain("\n"));
        Assert.That(File.Exists(archive), Is.True);
    }

    /// <summary>A remover that fails like a crash right after the n-th manifest is removed.</summary>
    private sealed class CrashAfterManifest(IBackupSetRemover inner, int crashOnRemoval) : IBackupSetRemover
    {
        public List<string> ManifestsRemoved { get; } = [];

        public ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken) => inner.LockAsync(cancellationToken);

        public ValueTask<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken) => inner.SweepAsync(cancellationToken);

        public async ValueTask RemoveManifestAsync(StoredSet set, CancellationToken cancellationToken)
        {
            await inner.RemoveManifestAsync(set, cancellationToken);
            ManifestsRemoved.Add(set.Name);
            if (ManifestsRemoved.Count == crashOnRemoval)
            {
                throw new IOException($"injected crash after the manifest of '{set.Name}' was removed");
            }
        }

        public ValueTask RemoveFilesAsync(StoredSet set, CancellationToken cancellationToken) => inner.RemoveFilesAsync(set, cancellationToken);
    }
}
