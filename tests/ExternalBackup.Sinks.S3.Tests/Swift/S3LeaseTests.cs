using System.Diagnostics;
using ExternalBackup.Manifest;
using ExternalBackup.Retention;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Repository;
using ExternalBackup.Tests.Sinks.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>
/// The lease that keeps forget and backups apart under one prefix, on the real Swift (no conditional PUT there):
/// forget refuses in one line (exit 2) while a backup is being written and removes nothing; a backup does not begin
/// while forget holds the prefix; a lease left by a killed process is broken once stale, with event 6007.
/// </summary>
[TestFixture]
public sealed class S3LeaseTests
{
    /// <summary>The documented lease names below the prefix (S3Lease).</summary>
    private const string BackupLeasePrefix = ".lease.";
    private const string ForgetLeaseName = ".lock";

    private static readonly BackupSetDescriptor Running = new("s5-running", BackupKind.Incremental, DateTimeOffset.UnixEpoch.AddDays(1), "contract-instance");

    private static async Task<S3TestStore> WriteAsync()
    {
        var store = await S3TestStore.CreateAsync();
        foreach (var set in BackupRepositoryContract.Sets.Append(BackupRepositoryContract.SecondFull))
        {
            await using var sink = new S3Sink(store.SinkOptions());
            await set.WriteAsync(sink);
        }

        return store;
    }

    [Test]
    public async Task Forget_refuses_in_one_line_with_exit_2_while_a_backup_holds_its_lease_and_removes_nothing()
    {
        await using var store = await WriteAsync();
        var before = await store.KeysAsync("backups/");
        Assert.That(before, Has.None.Contains(BackupLeasePrefix).And.None.EndsWith(ForgetLeaseName), "a committed set leaves no lease");
        await using var running = new S3Sink(store.SinkOptions());
        await running.BeginSetAsync(Running, CancellationToken.None);
        var writing = await store.KeysAsync("backups/");
        Assert.That(writing.Except(before).Where(k => k.StartsWith("backups/" + BackupLeasePrefix, StringComparison.Ordinal)), Has.Exactly(1).Items, "the running backup's lease");

        using var scratch = new ScratchDirectory("s3-lease-cli");
        var (exit, error) = await RunCliAsync(scratch, "forget", "--from", $"s3://{store.Bucket}/backups", "--keep-last", "1");

        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.EqualTo(2), error);
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Contain($"s3://{store.Bucket}/backups: a backup is writing into it: its lease s3://{store.Bucket}/backups/{BackupLeasePrefix}")
                .And.Contain($"backup of set {Running.SetId} by process {Environment.ProcessId}").And.Contain("nothing was removed").And.Not.Contain("   at "));
            Assert.That(await store.KeysAsync("backups/"), Is.EquivalentTo(writing), "nothing removed, forget's own lease gone");
        });

        await running.AbortAsync(CancellationToken.None);
        Assert.That(await store.KeysAsync("backups/"), Is.EquivalentTo(before), "the aborted backup's lease is deleted with its objects");
        await using var repository = new S3Repository(store.SinkOptions());
        var result = await Forget.RunAsync(repository, repository, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None);
        Assert.That(result.Removed, Is.EqualTo(new[] { "s3-differential", "s2-incremental", "s1-full" }), "once the backup is done, forget runs");
    }

    [Test]
    public async Task A_backup_does_not_begin_while_forget_holds_the_prefix_and_begins_once_it_is_done()
    {
        await using var store = await WriteAsync();
        await using var repository = new S3Repository(store.SinkOptions());
        var before = await store.KeysAsync("backups/");
        await using (await repository.LockAsync(CancellationToken.None))
        {
            await using var refused = new S3Sink(store.SinkOptions());
            var e = Assert.ThrowsAsync<IOException>(async () => await refused.BeginSetAsync(Running, CancellationToken.None))!;
            Assert.That(e.Message, Does.StartWith($"s3://{store.Bucket}/backups: forget is removing sets: its lease s3://{store.Bucket}/backups/{ForgetLeaseName} is held by forget by process {Environment.ProcessId}").And.Not.Contain("\n"));
            Assert.That((await store.KeysAsync("backups/")).Except(before), Is.EqualTo(new[] { "backups/" + ForgetLeaseName }), "the refused backup left no lease and no object");
        }

        Assert.That(await store.KeysAsync("backups/"), Is.EquivalentTo(before), "forget's lease is deleted when it is done");
        await using var sink = new S3Sink(store.SinkOptions());
        await sink.BeginSetAsync(Running, CancellationToken.None);
        await sink.AbortAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_stale_lease_left_by_a_killed_backup_is_broken_with_event_6007_and_forget_goes_on()
    {
        await using var store = await WriteAsync();
        var options = store.SinkOptions();
        // A backup that began longer than StaleUploadAge ago and never ended (its process was killed): its lease stays.
        var then = new FakeTimeProvider(DateTimeOffset.UtcNow - options.StaleUploadAge - TimeSpan.FromHours(1));
        var killed = new S3Sink(options, timeProvider: then);
        await killed.BeginSetAsync(Running, CancellationToken.None);
        var lease = (await store.KeysAsync("backups/" + BackupLeasePrefix)).Single();

        var logger = new RecordingLogger();
        await using (var repository = new S3Repository(options, logger))
        {
            var result = await Forget.RunAsync(repository, repository, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None);
            Assert.That(result.Removed, Is.EqualTo(new[] { "s3-differential", "s2-incremental", "s1-full" }));
        }

        var broken = logger.Entries.Where(e => e.Event.Id == 6007).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(broken, Has.Count.EqualTo(1));
            Assert.That(broken[0].Message, Does.Contain($"s3://{store.Bucket}/{lease}").And.Contain($"backup of set {Running.SetId}").And.Contain(options.StaleUploadAge.ToString()));
            Assert.That(await store.KeysAsync("backups/" + BackupLeasePrefix), Is.Empty);
            Assert.That(await store.KeysAsync("backups/" + ForgetLeaseName), Is.Empty);
        });
        await killed.AbortAsync(CancellationToken.None);
        await killed.DisposeAsync();
    }

    /// <summary>Runs esebackup in a child process with the test Swift's endpoint and keys only; returns the exit code and standard error.</summary>
    private static async Task<(int Exit, string Error)> RunCliAsync(ScratchDirectory scratch, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esebackup.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = scratch.Path;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["S3_ENDPOINT"] = SwiftServer.Endpoint.ToString();
        start.Environment["S3_ACCESS_KEY"] = SwiftServer.AccessKey;
        start.Environment["S3_SECRET_KEY"] = SwiftServer.SecretKey;
        start.Environment["S3_REGION"] = SwiftServer.Region;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        return (process.ExitCode, error);
    }
}
