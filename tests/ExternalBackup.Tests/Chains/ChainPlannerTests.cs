using ExternalBackup.Chains;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Chains;

/// <summary>The chain rule on the streaming path, driven by the engine model over synthetic instances of known log signatures.</summary>
public class ChainPlannerTests
{
    private const uint StreamA = 0x5EED000A;
    private const uint StreamB = 0x5EED000B;

    private static async Task<string> WriteInstanceAsync(string folder, uint logStream)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var created = LogTime.FromDateTime(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        await SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
        {
            Databases = [("db.edb", new SyntheticDatabaseOptions { PageCount = 32, DatabaseSignature = new Signature(logStream ^ 0xDB00, created, string.Empty) })],
            Logs = new SyntheticLogSetOptions { Count = 3, LogSignature = new Signature(logStream, created, string.Empty) },
        });
        return folder;
    }

    private static async Task<BackupResult> RunAsync(EngineModel engine, string destination, BackupKind kind, string setId, bool allowOrphan = false)
    {
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true });
        return await new StreamingBackup(engine, sink, new StreamingBackupOptions { SetId = setId, AllowOrphan = allowOrphan }).RunAsync(kind);
    }

    private static Task<BackupResult> RunAsync(string instance, string destination, BackupKind kind, string setId, bool allowOrphan = false) =>
        RunAsync(EngineModel.Open(instance), destination, kind, setId, allowOrphan);

    private static async Task<IReadOnlyList<BackupManifest>> SetsAsync(string destination) =>
        await new DirectorySink(destination).ListSetsAsync(default);

    private static List<string> Logs(string instance) => Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).OfType<string>().Order().ToList();

    [Test]
    public async Task Two_instances_in_one_destination_with_interleaved_fulls_and_incrementals_each_extend_and_resolve_their_own_chain()
    {
        using var scratch = new ScratchDirectory("chains");
        var a = await WriteInstanceAsync(Path.Combine(scratch.Path, "a"), StreamA);
        var b = await WriteInstanceAsync(Path.Combine(scratch.Path, "b"), StreamB);
        var destination = scratch.Sub("shared");

        var fullA = await RunAsync(a, destination, BackupKind.Full, "01-full-a");
        var fullB = await RunAsync(b, destination, BackupKind.Full, "02-full-b");
        var incA1 = await RunAsync(a, destination, BackupKind.Incremental, "03-inc-a");
        var incB1 = await RunAsync(b, destination, BackupKind.Incremental, "04-inc-b");
        var fullB2 = await RunAsync(b, destination, BackupKind.Full, "05-full-b");
        var incA2 = await RunAsync(a, destination, BackupKind.Incremental, "06-inc-a");
        var diffB = await RunAsync(b, destination, BackupKind.Differential, "07-diff-b");

        Assert.Multiple(() =>
        {
            Assert.That(fullA.Manifest.Identity!.LogSignature, Does.StartWith("5eed000a ("), "the identity names the log stream read from the headers");
            Assert.That(fullA.Manifest.Identity.Instance, Is.EqualTo(a));
            Assert.That(fullA.Manifest.Identity.Databases.Select(d => (d.Path, d.Signature![..8], d.LogSignature![..8])), Is.EqualTo(new[] { ("databases/db.edb", "5eeddb0a", "5eed000a") }), "each database's own signature and log signature");
            Assert.That(fullB.Manifest.Identity!.LogSignature, Does.StartWith("5eed000b ("));
            Assert.That(incA1.Manifest.Extends, Is.EqualTo(new SetReference("01-full-a", BackupKind.Full, fullA.Manifest.LogGenerations!.High, fullA.Manifest.Identity.LogSignature)));
            Assert.That(incB1.Manifest.Extends, Is.EqualTo(new SetReference("02-full-b", BackupKind.Full, fullB.Manifest.LogGenerations!.High, fullB.Manifest.Identity.LogSignature)));
            Assert.That(incA2.Manifest.Extends?.SetId, Is.EqualTo("03-inc-a"), "instance B's newer full is not instance A's base");
            Assert.That(diffB.Manifest.Extends?.SetId, Is.EqualTo("05-full-b"), "a differential extends the last full of its own chain");
            Assert.That(incA2.Manifest.Identity!.LogSignature, Is.EqualTo(fullA.Manifest.Identity.LogSignature));
        });

        var sets = await SetsAsync(destination);
        var chainA = BackupChain.Resolve(sets, "06-inc-a");
        var chainB = BackupChain.Resolve(sets, "04-inc-b");
        var chainB2 = BackupChain.Resolve(sets, "07-diff-b");
        Assert.Multiple(() =>
        {
            Assert.That(chainA.Sets.Select(s => s.SetId), Is.EqualTo(new[] { "01-full-a", "03-inc-a", "06-inc-a" }));
            Assert.That(chainB.Sets.Select(s => s.SetId), Is.EqualTo(new[] { "02-full-b", "04-inc-b" }));
            Assert.That(chainB2.Sets.Select(s => s.SetId), Is.EqualTo(new[] { "05-full-b", "07-diff-b" }));
            Assert.That(chainA.Logs.Select(l => l.Generation), Is.EqualTo(Enumerable.Range((int)chainA.Logs[0].Generation, chainA.Logs.Count).Select(g => (long)g)), "contiguous");
            Assert.That(chainA.Logs.Select(l => l.Set.Identity!.Instance).Distinct(), Is.EqualTo(new[] { a }), "every log of A's chain comes from A's sets");
            Assert.That(chainB.Logs.Select(l => l.Set.Identity!.Instance).Distinct(), Is.EqualTo(new[] { b }));
        });
    }

    [Test]
    public async Task An_incremental_into_an_empty_destination_is_refused_before_the_engine_begins_and_truncates_nothing()
    {
        using var scratch = new ScratchDirectory("chains");
        var instance = await WriteInstanceAsync(Path.Combine(scratch.Path, "inst"), StreamA);
        // The engine has a full backup (taken elsewhere), so it would accept an incremental.
        await RunAsync(instance, scratch.Sub("elsewhere"), BackupKind.Full, "full");
        var destination = scratch.Sub("empty");
        var logs = Logs(instance);
        var engine = EngineModel.Open(instance);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await RunAsync(engine, destination, BackupKind.Incremental, "inc"));

        Assert.That(e!.Message, Does.Contain("refused before the backup began").And.Contain("no set at all").And.Contain(instance));
        Assert.That(engine.Calls.Select(c => c.Call), Does.Not.Contain(EngineCall.BeginExternalBackup), "the engine's backup never began");
        Assert.That(engine.IsBackupInProgress, Is.False);
        Assert.That(Logs(instance), Is.EqualTo(logs), "no log truncated (nor rolled)");
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty, "the destination is unchanged");
    }

    [Test]
    public async Task An_incremental_whose_only_sets_in_the_destination_are_another_instances_is_refused()
    {
        using var scratch = new ScratchDirectory("chains");
        var a = await WriteInstanceAsync(Path.Combine(scratch.Path, "a"), StreamA);
        var b = await WriteInstanceAsync(Path.Combine(scratch.Path, "b"), StreamB);
        var destination = scratch.Sub("shared");
        await RunAsync(a, destination, BackupKind.Full, "full-a");
        await RunAsync(b, scratch.Sub("elsewhere"), BackupKind.Full, "full-b");
        var before = DirectorySinkTests.Snapshot(destination);
        var engine = EngineModel.Open(b);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await RunAsync(engine, destination, BackupKind.Incremental, "inc-b"));

        Assert.That(e!.Message, Does.Contain("1 set(s) of other instances are not its chain"));
        Assert.That(engine.Calls.Select(c => c.Call), Does.Not.Contain(EngineCall.BeginExternalBackup));
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
    }

    [Test]
    public async Task An_incremental_whose_logs_carry_another_log_signature_than_its_base_is_refused_before_commit()
    {
        using var scratch = new ScratchDirectory("chains");
        var instance = Path.Combine(scratch.Path, "inst");
        await WriteInstanceAsync(instance, StreamA);
        var destination = scratch.Sub("backups");
        var full = await RunAsync(instance, destination, BackupKind.Full, "full");
        // The instance of the same name starts a new log stream (its logs were reset, or another machine of the same
        // name), and has a full backup of its own elsewhere, so the engine accepts an incremental.
        await WriteInstanceAsync(instance, StreamB);
        await RunAsync(instance, scratch.Sub("elsewhere"), BackupKind.Full, "full-b");
        var before = DirectorySinkTests.Snapshot(destination);
        var logs = Logs(instance);
        var engine = EngineModel.Open(instance);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await RunAsync(engine, destination, BackupKind.Incremental, "inc"));

        Assert.That(e!.Message, Does.Contain("refused before commit").And.Contain("5eed000b (").And.Contain("set 'full'").And.Contain(full.Manifest.Identity!.LogSignature!));
        Assert.That(engine.Calls.Select(c => c.Call), Does.Contain(EngineCall.BeginExternalBackup));
        Assert.That(engine.Calls.Where(c => c.Call == EngineCall.TruncateLog), Is.Empty, "nothing truncated");
        Assert.That(engine.Calls.Last(c => c.Call == EngineCall.EndExternalBackup).Argument, Does.Contain("Abort"));
        Assert.That(engine.IsBackupInProgress, Is.False);
        Assert.That(Logs(instance), Is.SupersetOf(logs.Where(l => l != "edb.log")), "every log is still there");
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before), "the destination is unchanged");
    }

    [Test]
    public async Task An_incremental_whose_logs_do_not_continue_its_base_is_refused_before_commit()
    {
        using var scratch = new ScratchDirectory("chains");
        var instance = await WriteInstanceAsync(Path.Combine(scratch.Path, "inst"), StreamA);
        // The checkpoint follows each roll (an instance flushed at once), so truncation deletes every log copied.
        EngineModel.Open(instance, new EngineModelOptions { CheckpointFollowsRoll = true });
        var destination = scratch.Sub("backups");
        await RunAsync(instance, destination, BackupKind.Full, "full");
        // Two incrementals go elsewhere: their logs are truncated, so the next one leaves a gap after the full.
        await RunAsync(instance, scratch.Sub("elsewhere"), BackupKind.Incremental, "inc-1", allowOrphan: true);
        await RunAsync(instance, scratch.Sub("elsewhere"), BackupKind.Incremental, "inc-2", allowOrphan: true);
        var before = DirectorySinkTests.Snapshot(destination);
        var engine = EngineModel.Open(instance);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await RunAsync(engine, destination, BackupKind.Incremental, "inc-3"));

        Assert.That(e!.Message, Does.Contain("refused before commit").And.Contain("are in no set of the destination"));
        Assert.That(engine.Calls.Where(c => c.Call == EngineCall.TruncateLog), Is.Empty);
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
    }

    [Test]
    public async Task AllowOrphan_commits_an_incremental_without_a_base_and_names_no_parent()
    {
        using var scratch = new ScratchDirectory("chains");
        var instance = await WriteInstanceAsync(Path.Combine(scratch.Path, "inst"), StreamA);
        await RunAsync(instance, scratch.Sub("catalogued-elsewhere"), BackupKind.Full, "full");
        var destination = scratch.Sub("empty");

        var result = await RunAsync(instance, destination, BackupKind.Incremental, "inc", allowOrphan: true);

        Assert.That(result.Manifest.Extends, Is.Null);
        Assert.That(result.LogsTruncated, Is.True);
        Assert.That(result.Manifest.Identity!.LogSignature, Does.StartWith("5eed000a ("));
        Assert.That(result.Manifest.Identity.Databases, Is.Empty, "an incremental holds no database header");
    }
}
