using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>The chain rule on the frozen-folder and snapshot paths, into a folder destination that lists its sets.</summary>
public sealed class ChainRuleTests
{
    private ScratchDirectory _scratch = null!;
    private string _destination = null!;

    [SetUp]
    public void SetUp()
    {
        _scratch = new ScratchDirectory("frozen-chains");
        _destination = _scratch.Sub("backups");
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private static void WriteInstance(string folder, string signature, long firstLog, long lastLog)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        ToyEseFormat.WriteDatabase(Path.Combine(folder, "app.edb"), signature, pages: 8);
        for (var g = firstLog; g < lastLog; g++)
        {
            ToyEseFormat.WriteLog(Path.Combine(folder, $"edb{g:X5}.log"), signature, g);
        }

        ToyEseFormat.WriteLog(Path.Combine(folder, "edb.log"), signature, lastLog);
        ToyEseFormat.WriteCheckpoint(Path.Combine(folder, "edb.chk"), signature, lastLog);
    }

    private async Task<BackupManifest> BackupAsync(string folder, BackupKind kind, string setId, bool allowOrphan = false)
    {
        await using var sink = new DirectorySink(_destination);
        var source = new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 });
        return await new FrozenFolderBackup(source).RunAsync(FrozenFolderLayout.Single(folder), sink, kind, setId, allowOrphan: allowOrphan);
    }

    [Test]
    public async Task A_named_instance_chains_across_snapshots_mounted_at_different_paths()
    {
        // Each night's snapshot is mounted somewhere else; by path alone tonight's incremental has no base.
        var monday = Path.Combine(_scratch.Path, "snap-monday");
        var tuesday = Path.Combine(_scratch.Path, "snap-tuesday");
        WriteInstance(monday, "AAAA", 3, 5);
        WriteInstance(tuesday, "AAAA", 5, 7);
        await using (var sink = new DirectorySink(_destination))
        {
            await NewBackup().RunAsync(FrozenFolderLayout.Single(monday) with { InstanceName = "dc01-ntds" }, sink, BackupKind.Full, "01-full");
        }

        Assert.ThrowsAsync<ChainBaseNotFoundException>(() => BackupAsync(tuesday, BackupKind.Incremental, "02-by-path"));

        BackupManifest incremental;
        await using (var sink = new DirectorySink(_destination))
        {
            incremental = await NewBackup().RunAsync(FrozenFolderLayout.Single(tuesday) with { InstanceName = "dc01-ntds" }, sink, BackupKind.Incremental, "02-inc");
        }

        Assert.Multiple(() =>
        {
            Assert.That(incremental.Instance, Is.EqualTo("dc01-ntds"));
            Assert.That(incremental.Extends?.SetId, Is.EqualTo("01-full"));
        });
    }

    private static FrozenFolderBackup NewBackup() =>
        new(new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 }));

    private static string Listing(string folder) => string.Join('\n',
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}"));

    [TestCase(BackupKind.Incremental)]
    [TestCase(BackupKind.Differential)]
    public void A_frozen_folder_incremental_into_an_empty_destination_is_refused_and_changes_nothing(BackupKind kind)
    {
        var folder = Path.Combine(_scratch.Path, "frozen");
        WriteInstance(folder, "AAAA", 3, 5);
        var before = Listing(folder);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(() => BackupAsync(folder, kind, "inc"));

        Assert.That(e!.Message, Does.Contain("refused before the backup began").And.Contain("no set at all"));
        Assert.That(Directory.EnumerateFileSystemEntries(_destination), Is.Empty, "the destination is unchanged");
        Assert.That(Listing(folder), Is.EqualTo(before), "the source is untouched");
    }

    [Test]
    public async Task Two_frozen_folders_in_one_destination_each_extend_and_resolve_their_own_chain()
    {
        var a = Path.Combine(_scratch.Path, "a");
        var b = Path.Combine(_scratch.Path, "b");
        WriteInstance(a, "AAAA", 3, 5);
        WriteInstance(b, "BBBB", 3, 5);
        await BackupAsync(a, BackupKind.Full, "01-full-a");
        await BackupAsync(b, BackupKind.Full, "02-full-b");
        WriteInstance(a, "AAAA", 5, 7);
        WriteInstance(b, "BBBB", 5, 6);
        var incA = await BackupAsync(a, BackupKind.Incremental, "03-inc-a");
        var incB = await BackupAsync(b, BackupKind.Incremental, "04-inc-b");

        Assert.Multiple(() =>
        {
            Assert.That(incA.Extends, Is.EqualTo(new SetReference("01-full-a", BackupKind.Full, 5, "AAAA")));
            Assert.That(incB.Extends, Is.EqualTo(new SetReference("02-full-b", BackupKind.Full, 5, "BBBB")));
            Assert.That(incA.Identity, Is.Not.Null);
            Assert.That(incA.Identity!.LogSignature, Is.EqualTo("AAAA"));
        });
        var sets = await new DirectorySink(_destination).ListSetsAsync(default);
        Assert.That(BackupChain.Resolve(sets, "03-inc-a").Sets.Select(s => s.SetId), Is.EqualTo(new[] { "01-full-a", "03-inc-a" }));
        Assert.That(BackupChain.Resolve(sets, "04-inc-b").Sets.Select(s => s.SetId), Is.EqualTo(new[] { "02-full-b", "04-inc-b" }));
    }

    [Test]
    public async Task A_frozen_folder_incremental_of_another_log_stream_than_its_base_is_refused_before_commit_and_leaves_the_destination_unchanged()
    {
        var folder = Path.Combine(_scratch.Path, "frozen");
        WriteInstance(folder, "AAAA", 3, 5);
        await BackupAsync(folder, BackupKind.Full, "full");
        WriteInstance(folder, "BBBB", 5, 6);
        var before = Directory.EnumerateFileSystemEntries(_destination, "*", SearchOption.AllDirectories).Order().ToList();

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(() => BackupAsync(folder, BackupKind.Incremental, "inc"));

        Assert.That(e!.Message, Does.Contain("log signature BBBB").And.Contain("set 'full'"));
        Assert.That(Directory.EnumerateFileSystemEntries(_destination, "*", SearchOption.AllDirectories).Order(), Is.EqualTo(before));
        var orphan = await BackupAsync(folder, BackupKind.Incremental, "orphan", allowOrphan: true);
        Assert.That(orphan.Extends, Is.Null, "allowed as an orphan, it names no parent");
    }

    private SnapshotProviderModel Provider()
    {
        var live = _scratch.Sub("live");
        Directory.CreateDirectory(Path.Combine(live, "db"));
        Directory.CreateDirectory(Path.Combine(live, "logs"));
        ToyEseFormat.WriteDatabase(Path.Combine(live, "db", "store.edb"), "AAAA", pages: 8);
        ToyEseFormat.WriteLog(Path.Combine(live, "logs", "edb.log"), "AAAA", 5);
        var provider = new SnapshotProviderModel(_scratch.Sub("snapshots")).AddVolume(live);
        var component = new SnapshotComponent
        {
            WriterId = Guid.Parse("76FE1AC4-15F7-4BCD-987E-8E1ACB462FB7"),
            InstanceId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            WriterName = "Model Exchange Writer",
            LogicalPath = "Microsoft Exchange Server\\Microsoft Information Store",
            Name = "store",
            Files =
            [
                new SnapshotFileSpec(SnapshotFileRole.Database, Path.Combine(live, "db"), "*.edb"),
                new SnapshotFileSpec(SnapshotFileRole.Log, Path.Combine(live, "logs"), "edb*.log"),
            ],
        };
        provider.AddComponent(component);
        return provider;
    }

    private static SnapshotBackupCoordinator Coordinator(SnapshotProviderModel provider, SnapshotBackupOptions options) =>
        new(provider, new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 }), options);

    [Test]
    public void A_snapshot_incremental_into_an_empty_destination_is_refused_before_the_writers_are_prepared_and_they_truncate_nothing()
    {
        var provider = Provider();
        var coordinator = Coordinator(provider, new SnapshotBackupOptions { SetId = "inc" });
        var sink = new DirectorySink(_destination);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await coordinator.RunAsync(new SnapshotRequest { Kind = BackupKind.Incremental }, sink, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("refused before the backup began"));
        Assert.That(provider.Calls.Select(c => c.Step), Does.Not.Contain(SnapshotStep.PrepareForBackup).And.Not.Contain(SnapshotStep.BackupComplete));
        Assert.That(provider.Truncations, Is.Empty, "no writer was told to truncate");
        Assert.That(provider.OpenSessions, Is.Zero, "the session was released");
        Assert.That(Directory.EnumerateFileSystemEntries(_destination), Is.Empty);
    }

    [Test]
    public async Task A_snapshot_incremental_whose_destination_holds_only_another_instances_sets_is_refused_and_the_writers_truncate_nothing()
    {
        var provider = Provider();
        await Coordinator(provider, new SnapshotBackupOptions { SetId = "full-other", Instance = "another-server" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new DirectorySink(_destination), CancellationToken.None);
        var truncations = provider.Truncations.Count;
        var before = Directory.EnumerateFileSystemEntries(_destination, "*", SearchOption.AllDirectories).Order().ToList();

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await Coordinator(provider, new SnapshotBackupOptions { SetId = "inc" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Incremental }, new DirectorySink(_destination), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("1 set(s) of other instances are not its chain"));
        Assert.That(provider.Truncations, Has.Count.EqualTo(truncations), "the writers were told nothing: no truncation");
        Assert.That(provider.Calls.Select(c => c.Step), Does.Contain(SnapshotStep.AbortBackup));
        Assert.That(provider.OpenSessions, Is.Zero);
        Assert.That(Directory.EnumerateFileSystemEntries(_destination, "*", SearchOption.AllDirectories).Order(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_restore_of_a_snapshot_chain_writes_every_sets_writer_documents_and_lists_them_in_restore_json()
    {
        var provider = Provider();
        await Coordinator(provider, new SnapshotBackupOptions { SetId = "01-full" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new DirectorySink(_destination), CancellationToken.None);
        var logs = Path.Combine(_scratch.Path, "live", "logs");
        File.Move(Path.Combine(logs, "edb.log"), Path.Combine(logs, "edb00005.log"));
        ToyEseFormat.WriteLog(Path.Combine(logs, "edb.log"), "AAAA", 6);
        await Coordinator(provider, new SnapshotBackupOptions { SetId = "02-inc" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Incremental }, new DirectorySink(_destination), CancellationToken.None);
        var target = Path.Combine(_scratch.Path, "restored");

        var plan = await ChainRestore.RestoreAsync(_destination, target, null, CancellationToken.None);

        var writer = "writer-11111111-2222-3333-4444-555555555555.xml";
        var expected = new[]
        {
            Path.Combine(target, "documents", "backup-components.xml"),
            Path.Combine(target, "documents", writer),
            Path.Combine(target, "documents", "02-inc", "backup-components.xml"),
            Path.Combine(target, "documents", "02-inc", writer),
        };
        Assert.That(plan.Documents, Is.EquivalentTo(expected));
        Assert.That(expected.Select(File.Exists), Has.All.True);
        Assert.That(File.ReadAllText(expected[0]), Does.Contain("backupType=\"full\""));
        Assert.That(File.ReadAllText(expected[2]), Does.Contain("backupType=\"incremental\""), "each set's own Backup Components Document");
        Assert.That(File.ReadAllText(Path.Combine(target, RestorePlan.FileName)), Does.Contain("\"documents\""));
    }

    /// <summary>Two storage groups (Exchange): two components, each with its database and its own log stream of its own signature.</summary>
    private SnapshotProviderModel TwoStorageGroups()
    {
        var live = _scratch.Sub("live");
        var provider = new SnapshotProviderModel(_scratch.Sub("snapshots")).AddVolume(live);
        foreach (var (group, signature) in new[] { ("sg1", "AAAA"), ("sg2", "BBBB") })
        {
            Directory.CreateDirectory(Path.Combine(live, group, "db"));
            Directory.CreateDirectory(Path.Combine(live, group, "logs"));
            ToyEseFormat.WriteDatabase(Path.Combine(live, group, "db", $"{group}.edb"), signature, pages: 8);
            ToyEseFormat.WriteLog(Path.Combine(live, group, "logs", "edb.log"), signature, 5);
            provider.AddComponent(new SnapshotComponent
            {
                WriterId = Guid.Parse("76FE1AC4-15F7-4BCD-987E-8E1ACB462FB7"),
                InstanceId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
                WriterName = "Model Exchange Writer",
                LogicalPath = "Microsoft Exchange Server\\Microsoft Information Store",
                Name = group,
                Files =
                [
                    new SnapshotFileSpec(SnapshotFileRole.Database, Path.Combine(live, group, "db"), "*.edb"),
                    new SnapshotFileSpec(SnapshotFileRole.Log, Path.Combine(live, group, "logs"), "edb*.log"),
                ],
            });
        }

        return provider;
    }

    private void NextLogGeneration(string group, string signature, long generation)
    {
        var logs = Path.Combine(_scratch.Path, "live", group, "logs");
        File.Move(Path.Combine(logs, "edb.log"), Path.Combine(logs, $"edb{generation - 1:X5}.log"));
        ToyEseFormat.WriteLog(Path.Combine(logs, "edb.log"), signature, generation);
    }

    [Test]
    public async Task Components_with_their_own_log_streams_back_up_chain_and_restore_each_stream()
    {
        var provider = TwoStorageGroups();
        var full = (await Coordinator(provider, new SnapshotBackupOptions { SetId = "01-full" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new DirectorySink(_destination), CancellationToken.None)).Manifest;
        NextLogGeneration("sg1", "AAAA", 6);
        NextLogGeneration("sg2", "BBBB", 6);
        var incremental = (await Coordinator(provider, new SnapshotBackupOptions { SetId = "02-inc" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Incremental }, new DirectorySink(_destination), CancellationToken.None)).Manifest;
        var target = Path.Combine(_scratch.Path, "restored");

        var plan = await ChainRestore.RestoreAsync(_destination, target, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(full.Identity!.LogSignature, Is.Null, "two streams: no single signature");
            Assert.That(full.Identity.LogStreams!.Select(s => (s.Stream, s.LogSignature)), Is.EqualTo(new[] { ("logs/sg1", "AAAA"), ("logs/sg2", "BBBB") }));
            Assert.That(incremental.Identity!.LogStreams, Is.EqualTo(full.Identity.LogStreams));
            Assert.That(incremental.Extends?.SetId, Is.EqualTo("01-full"));
            Assert.That(plan.Sets, Is.EqualTo(new[] { "01-full", "02-inc" }));
            Assert.That(plan.LogStreams.Select(s => (s.Component, s.GenLow, s.GenHigh)), Is.EqualTo(new (string?, long?, long?)[] { ("sg1", 5, 6), ("sg2", 5, 6) }));
            Assert.That(File.Exists(Path.Combine(target, "logs", "sg2", "edb00006.log")), Is.True);
        });
    }

    [Test]
    public async Task An_incremental_whose_one_stream_is_another_log_stream_is_refused_naming_the_stream()
    {
        var provider = TwoStorageGroups();
        await Coordinator(provider, new SnapshotBackupOptions { SetId = "01-full" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new DirectorySink(_destination), CancellationToken.None);
        // sg2's logs were reset: a new log stream under the same component.
        var logs = Path.Combine(_scratch.Path, "live", "sg2", "logs");
        File.Delete(Path.Combine(logs, "edb.log"));
        ToyEseFormat.WriteLog(Path.Combine(logs, "edb.log"), "CCCC", 1);
        ToyEseFormat.WriteDatabase(Path.Combine(_scratch.Path, "live", "sg2", "db", "sg2.edb"), "CCCC", pages: 8);

        var e = Assert.ThrowsAsync<ChainBaseNotFoundException>(async () => await Coordinator(provider, new SnapshotBackupOptions { SetId = "02-inc" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Incremental }, new DirectorySink(_destination), CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("logs/sg2: CCCC").And.Contain("another log stream"));
        Assert.That(provider.Truncations, Has.Count.EqualTo(2), "only the full set's components were told to truncate");
    }
}
