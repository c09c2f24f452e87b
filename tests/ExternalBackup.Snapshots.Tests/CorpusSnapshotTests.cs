using System.Security.Cryptography;
using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>The frozen-folder source over scratch copies of the real ESE corpus, verified by the format library.</summary>
public sealed class CorpusSnapshotTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void SetUp() => _scratch = new ScratchDirectory("corpus-snap");

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private static Task<BackupManifest> Backup(string folder, MemorySink sink, BackupKind kind = BackupKind.Full) =>
        new FrozenFolderBackup(new FrozenFolderSource(new EseFrozenFileFormat())).RunAsync(FrozenFolderLayout.Single(folder), sink, kind, "corpus");

    [Test]
    public async Task TheXpSetIsAVerifiedSetWithLogs126To131()
    {
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", _scratch);
        var sink = new MemorySink();

        var manifest = await Backup(folder, sink);

        Assert.Multiple(() =>
        {
            Assert.That(manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(126, 131)));
            Assert.That(manifest.LogBaseName, Is.EqualTo("edb"));
            Assert.That(manifest.Files.Where(f => f.Kind == BackupFileKind.Log).Select(f => f.Generation), Is.EqualTo(new long?[] { 126, 127, 128, 129, 130, 131 }));
            Assert.That(manifest.Files.Where(f => f.Kind == BackupFileKind.Log).Select(f => f.Path), Is.EqualTo(new[] { "logs/edb0007E.log", "logs/edb0007F.log", "logs/edb00080.log", "logs/edb00081.log", "logs/edb00082.log", "logs/edb00083.log" }));
            Assert.That(manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.Path), Is.EquivalentTo(new[] { "databases/{127D0A1D-4EF2-11D1-8608-00C04FC295EE}/catdb", "databases/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb" }));
            Assert.That(manifest.Files.Single(f => f.Kind == BackupFileKind.Checkpoint).Path, Is.EqualTo("checkpoint/edb.chk"));
            Assert.That(manifest.Files.Select(f => Path.GetFileName(f.Path)), Has.None.StartsWith("res"));
            Assert.That(manifest.Counts, Is.EqualTo(new SetCounts(2, 6, 1, 0, manifest.Files.Sum(f => f.Bytes))));
            Assert.That(manifest.Databases.Select(d => d.State), Has.All.EqualTo("CleanShutdown"));
            Assert.That(manifest.Databases.Select(d => d.PageSize), Has.All.EqualTo(4096));
            Assert.That(manifest.Databases.Select(d => d.LogSignature), Has.All.StartsWith("0000fced"));
            Assert.That(manifest.Files.Single(f => f.Path == "checkpoint/edb.chk").Sha256, Is.EqualTo("5a6030c14f1270b78b685998411e323b6d5a3c297a427f1b1918a735f7cd1b79"));
            Assert.That(manifest.Files.Single(f => f.Path == "logs/edb0007E.log").Sha256, Is.EqualTo("a2623c703577d62d9863e32f9be52f38dc86973be7c3c0cd05bba0a89d5b35db"));
        });
        foreach (var file in manifest.Files)
        {
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(sink.Files[file.Path].ToArray())), Is.EqualTo(file.Sha256), file.Path);
        }
    }

    [Test]
    public void UalHyperVDirtyIsRefusedNamingTheMissingGeneration124OfCurrentMdb()
    {
        var folder = TestPaths.CopyCorpusSet("ual-hyperv-dirty", _scratch);
        var sink = new MemorySink();

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup(folder, sink));
        TestContext.Out.WriteLine(e!.Message);

        Assert.That(Path.GetFileName(e!.FilePath), Is.EqualTo("Current.mdb"));
        Assert.That(e.Message, Does.Contain("generation 124").And.Contain("missing").And.Contain("DirtyShutdown"));
        Assert.That(sink.Set, Is.Null, "refused while planning: the destination is unchanged");
        Assert.That(sink.Committed, Is.Null);
    }

    [Test]
    public void SrudbCorruptTailIsRefusedNamingPages143To158()
    {
        var folder = TestPaths.CopyCorpusSet("srudb-corrupt-tail", _scratch);
        var sink = new MemorySink();

        var e = Assert.ThrowsAsync<BackupVerificationException>(() => Backup(folder, sink));
        TestContext.Out.WriteLine(e!.Message);

        Assert.That(Path.GetFileName(e!.File), Is.EqualTo("SRUDB.dat"));
        Assert.That(e.Message, Does.Contain("pages 143..158 failed verification (16 bad)"));
        Assert.That(sink.Committed, Is.Null);
        Assert.That(sink.Aborts, Is.EqualTo(1));
    }

    [Test]
    public void AForeignLogAmongTheXpLogsIsRefusedNamingIt()
    {
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", _scratch);
        var foreign = Path.Combine(folder, "edb00001.log");
        File.Copy(TestPaths.CorpusFile("win10-secedit-logs/edb.log"), foreign);
        var sink = new MemorySink();

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup(folder, sink));
        TestContext.Out.WriteLine(e!.Message);

        Assert.That(e!.FilePath, Is.EqualTo(foreign));
        Assert.That(e.Message, Does.Contain("foreign log").And.Contain("ebf5b760").And.Contain("0000fced"));
        Assert.That(sink.Committed, Is.Null);
    }

    [Test]
    public void AMissingXpGenerationIsRefusedNamingIt()
    {
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", _scratch);
        File.Delete(Path.Combine(folder, "edb00080.log"));

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup(folder, new MemorySink()));

        Assert.That(e!.Message, Does.Contain("log generation 128 is missing"));
    }

    [Test]
    public async Task TheSyntheticSetWithLargePagesVerifies()
    {
        var folder = TestPaths.CopyCorpusSet("dissect-synthetic", _scratch);

        var manifest = await Backup(folder, new MemorySink());

        Assert.That(manifest.Databases, Has.Count.EqualTo(6));
        Assert.That(manifest.Databases.Single(d => d.Path == "databases/large.edb").PageSize, Is.EqualTo(32768));
        Assert.That(manifest.LogGenerations, Is.Null);
    }

    [Test]
    public async Task ANewFormatLogSetCopiesTheLogAndCheckpointAndSkipsReserveFiles()
    {
        var folder = TestPaths.CopyCorpusSet("win10-secedit-logs", _scratch);

        var manifest = await Backup(folder, new MemorySink());

        Assert.That(manifest.Files.Select(f => f.Path), Is.EqualTo(new[] { "logs/edb00001.log", "checkpoint/edb.chk" }));
        Assert.That(manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(1, 1)));
    }

    [Test]
    public async Task TheCommandBacksUpTheXpSetIntoAFolder()
    {
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", _scratch);
        var destination = Path.Combine(_scratch.Path, "dest");
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code;
        await using (var sink = SinkAddress.Create(destination, new SinkAddressOptions { CreateDestination = true }))
        {
            code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = folder }, sink, new CliConsole(output, error), CancellationToken.None);
        }

        Assert.That(code, Is.EqualTo(CliConsole.Ok), error.ToString());
        Assert.That(output.ToString(), Does.Contain("logs 126..131"));
        Assert.That(Directory.EnumerateFiles(destination, BackupManifest.FileName, SearchOption.AllDirectories).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task TheCommandRefusesSrudbWithExitCode1()
    {
        var folder = TestPaths.CopyCorpusSet("srudb-corrupt-tail", _scratch);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = folder }, new MemorySink(), new CliConsole(output, error), CancellationToken.None);

        Assert.That(code, Is.EqualTo(CliConsole.Failed));
        Assert.That(error.ToString(), Does.Contain("SRUDB.dat").And.Contain("pages 143..158"));
    }

    [Test]
    public async Task TheXpSetThroughTheProviderModelIsVerifiedBeforeTheWritersAreTold()
    {
        var live = TestPaths.CopyCorpusSet("xp-catroot2-logset", _scratch);
        var provider = new SnapshotProviderModel(_scratch.Sub("snapshots")).AddVolume(live);
        provider.AddComponent(new SnapshotComponent
        {
            WriterId = Guid.Parse("6F5B15B5-DA24-4D88-B737-63063E3A1F86"),
            InstanceId = Guid.NewGuid(),
            WriterName = "CatRoot2 model writer",
            Name = "catdb",
            Files = [new SnapshotFileSpec(SnapshotFileRole.Database, live, "catdb", Recursive: true), new SnapshotFileSpec(SnapshotFileRole.Log, live, "edb*.log")],
        });
        var sink = new MemorySink { OnEvent = e => provider.Record(SnapshotStep.Commit, e) };

        var result = await new SnapshotBackupCoordinator(provider, new FrozenFolderSource(new EseFrozenFileFormat())).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, sink, CancellationToken.None);

        Assert.That(result.Manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(126, 131)));
        Assert.That(result.Manifest.TruncatesLogs, Is.True);
        var steps = provider.Calls.Select(c => c.Detail == "commit" ? "commit" : c.Step.ToString()).ToList();
        Assert.That(steps.IndexOf("commit"), Is.LessThan(steps.IndexOf("SetBackupSucceeded")));
        Assert.That(steps.IndexOf("SetBackupSucceeded"), Is.LessThan(steps.IndexOf("BackupComplete")));
        Assert.That(provider.LiveSnapshots, Is.Zero);
    }
}
