using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>The frozen-folder orchestration over toy ESE files (the real format library is tested in CorpusSnapshotTests).</summary>
public sealed class FrozenFolderSourceTests
{
    private const string Sig = "AAAA";
    private ScratchDirectory _scratch = null!;
    private string _folder = null!;
    private ToyEseFormat _toy = null!;

    [SetUp]
    public void SetUp()
    {
        _scratch = new ScratchDirectory("frozen");
        _folder = _scratch.Sub("set");
        _toy = new ToyEseFormat();
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private string P(string name) => Path.Combine(_folder, name);

    private void CleanSetWithLogs3To5()
    {
        ToyEseFormat.WriteDatabase(P("sub/app.edb"), Sig, pages: 40);
        ToyEseFormat.WriteLog(P("edb00003.log"), Sig, 3);
        ToyEseFormat.WriteLog(P("edb00004.log"), Sig, 4);
        ToyEseFormat.WriteLog(P("edb.log"), Sig, 5);
        ToyEseFormat.WriteCheckpoint(P("edb.chk"), Sig, 5);
    }

    private FrozenFolderSource Source(FrozenFolderSourceOptions? options = null) => new(_toy, options ?? new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 });

    private async Task<(BackupManifest Manifest, MemorySink Sink)> Backup(BackupKind kind = BackupKind.Full, FrozenFolderSourceOptions? options = null, SetReference? extends = null)
    {
        var sink = new MemorySink();
        var manifest = await new FrozenFolderBackup(Source(options)).RunAsync(FrozenFolderLayout.Single(_folder), sink, kind, "set-1", extends);
        return (manifest, sink);
    }

    [Test]
    public async Task ACleanSetIsCopiedWholeWithEveryLogAndTheCheckpoint()
    {
        CleanSetWithLogs3To5();

        var (manifest, sink) = await Backup();

        Assert.Multiple(() =>
        {
            Assert.That(manifest.Files.Select(f => (f.Path, f.Kind, f.Generation)), Is.EqualTo(new (string, BackupFileKind, long?)[]
            {
                ("databases/app.edb", BackupFileKind.Database, null),
                ("logs/edb00003.log", BackupFileKind.Log, 3), ("logs/edb00004.log", BackupFileKind.Log, 4), ("logs/edb00005.log", BackupFileKind.Log, 5),
                ("checkpoint/edb.chk", BackupFileKind.Checkpoint, null),
            }));
            Assert.That(manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(3, 5)));
            Assert.That(manifest.LogBaseName, Is.EqualTo("edb"));
            Assert.That(manifest.Kind, Is.EqualTo(BackupKind.Full));
            Assert.That(manifest.Source, Is.EqualTo(ManifestSources.FrozenFolder));
            Assert.That(manifest.FormatVersion, Is.EqualTo(2));
            Assert.That(manifest.Counts, Is.EqualTo(new SetCounts(1, 3, 1, 0, manifest.Files.Sum(f => f.Bytes))));
            Assert.That(manifest.TruncatesLogs, Is.False);
            Assert.That(manifest.Databases.Single().State, Is.EqualTo("CleanShutdown"));
            Assert.That(manifest.Databases.Single().LogSignature, Is.EqualTo(Sig));
            Assert.That(sink.Committed, Is.SameAs(manifest));
            Assert.That(sink.Files["databases/app.edb"].ToArray(), Is.EqualTo(File.ReadAllBytes(P("sub/app.edb"))));
            Assert.That(sink.Files["checkpoint/edb.chk"].ToArray(), Is.EqualTo(File.ReadAllBytes(P("edb.chk"))));
        });
    }

    [Test]
    public async Task EveryChunkIsVerifiedAndWrittenOnceInOrderAndVerifiedBeforeTheNextIsWritten()
    {
        ToyEseFormat.WriteDatabase(P("app.edb"), Sig, pages: 40);
        var events = _toy.Events;
        var sink = new MemorySink { OnWrite = e => { lock (events) { events.Add(e); } } };

        await new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "s");

        // 41 pages of 4 KiB = 167936 bytes = 5 chunks of 32 KiB + one of 4 KiB; each verified once and written once.
        var chunks = new List<string>();
        for (long offset = 0; offset < 41 * 4096; offset += 32768)
        {
            chunks.Add($"app.edb@{offset}+{Math.Min(32768, (41 * 4096) - offset)}");
        }

        Assert.That(events.Where(e => e.StartsWith("verify", StringComparison.Ordinal)), Is.EqualTo(chunks.Select(c => "verify " + c)));
        Assert.That(events.Where(e => e.StartsWith("write", StringComparison.Ordinal)), Is.EqualTo(chunks.Select(c => "write " + c)));
        for (var k = 0; k + 1 < chunks.Count; k++)
        {
            Assert.That(events.IndexOf("verify " + chunks[k]), Is.LessThan(events.IndexOf("write " + chunks[k + 1])), $"chunk {k} is verified before chunk {k + 1} is written");
        }
    }

    [Test]
    public void CorruptPagesAreNamedAsRangesAndTheSetIsAborted()
    {
        ToyEseFormat.WriteDatabase(P("app.edb"), Sig, pages: 40, dirty: false, 0, 0, 5, 6, 7, 12);

        var e = Assert.ThrowsAsync<BackupVerificationException>(() => Backup());

        Assert.That(e!.File, Is.EqualTo(P("app.edb")));
        Assert.That(e.Message, Does.Contain("pages 5..7, 12 failed verification (4 bad)"));
        Assert.That(e.Message, Does.Contain("page 5 at offset 20480"));
    }

    [Test]
    public void ACorruptLogSegmentNamesTheGeneration()
    {
        CleanSetWithLogs3To5();
        ToyEseFormat.WriteLog(P("edb00004.log"), Sig, 4, corrupt: true);
        var sink = new MemorySink();

        var e = Assert.ThrowsAsync<BackupVerificationException>(() => new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "s"));

        Assert.That(e!.File, Is.EqualTo(P("edb00004.log")));
        Assert.That(e.Message, Does.Contain("log generation 4 failed verification"));
        Assert.That(sink.Committed, Is.Null);
        Assert.That(sink.Aborts, Is.EqualTo(1));
    }

    [Test]
    public void ADirtyDatabaseWithoutItsLowestRequiredGenerationIsRefusedNamingIt()
    {
        CleanSetWithLogs3To5();
        ToyEseFormat.WriteDatabase(P("sub/app.edb"), Sig, pages: 40, dirty: true, min: 2, max: 4);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("sub/app.edb")));
        Assert.That(e.Message, Does.Contain("requires log generations 2..4; generation 2 (edb00002.log) is missing"));
    }

    [Test]
    public void ADirtyDatabaseWithNoLogsAtAllIsRefusedNamingTheGeneration()
    {
        ToyEseFormat.WriteDatabase(P("Current.mdb"), "BBBB", pages: 8, dirty: true, min: 124, max: 124);
        ToyEseFormat.WriteDatabase(P("Other.mdb"), "CCCC", pages: 8);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("Current.mdb")));
        Assert.That(e.Message, Does.Contain("generation 124"));
    }

    [Test]
    public async Task ADirtyDatabaseWithEveryGenerationIsCopiedWithThemAll()
    {
        CleanSetWithLogs3To5();
        ToyEseFormat.WriteDatabase(P("sub/app.edb"), Sig, pages: 40, dirty: true, min: 4, max: 5);

        var (manifest, _) = await Backup();

        Assert.That(manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(3, 5)));
        Assert.That(manifest.Databases.Single().RequiredLogLow, Is.EqualTo(4));
        Assert.That(manifest.Databases.Single().State, Is.EqualTo("DirtyShutdown"));
    }

    [Test]
    public void AGapInTheLogsIsRefusedNamingTheMissingGeneration()
    {
        CleanSetWithLogs3To5();
        File.Delete(P("edb00004.log"));

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.Message, Does.Contain("log generation 4 is missing"));
        Assert.That(e.FilePath, Does.EndWith("edb00004.log"));
    }

    [Test]
    public void AForeignLogIsRefusedNamingIt()
    {
        CleanSetWithLogs3To5();
        ToyEseFormat.WriteLog(P("edb00002.log"), "FFFF", 2);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("edb00002.log")));
        Assert.That(e.Message, Does.Contain("foreign log").And.Contain("FFFF").And.Contain("AAAA"));
    }

    [Test]
    public void ALogWhoseNameAndHeaderDisagreeIsRefused()
    {
        CleanSetWithLogs3To5();
        ToyEseFormat.WriteLog(P("edb00004.log"), Sig, 7);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.Message, Does.Contain("name states generation 4 but its header holds generation 7"));
    }

    [Test]
    public void AFileNamedLikeALogWithoutALogHeaderIsRefused()
    {
        CleanSetWithLogs3To5();
        File.WriteAllBytes(P("edb00004.log"), new byte[8192]);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("edb00004.log")));
        Assert.That(e.Message, Does.Contain("not an ESE log header"));
    }

    [Test]
    public void AFileNamedLikeTheCheckpointWithoutACheckpointHeaderIsRefused()
    {
        CleanSetWithLogs3To5();
        File.WriteAllBytes(P("edb.chk"), new byte[8192]);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("edb.chk")));
        Assert.That(e.Message, Does.Contain("not an ESE checkpoint header"));
    }

    [Test]
    public void ADamagedHeaderIsRefusedNamingTheFile()
    {
        CleanSetWithLogs3To5();
        File.WriteAllText(P("broken.edb"), "TOYBROKEN\n");

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup());

        Assert.That(e!.FilePath, Is.EqualTo(P("broken.edb")));
        Assert.That(e.Message, Does.Contain("header checksum mismatch"));
    }

    [Test]
    public async Task ReserveLogsAndOtherFilesAreSkippedAndListed()
    {
        CleanSetWithLogs3To5();
        File.WriteAllBytes(P("res1.log"), Enumerable.Repeat((byte)0xDA, 8192).ToArray());
        File.WriteAllBytes(P("edbtmp.log"), new byte[8192]);

        var plan = Source().Plan(FrozenFolderLayout.Single(_folder), BackupKind.Full);
        var (manifest, _) = await Backup();

        Assert.That(plan.Skipped, Has.Count.EqualTo(2));
        Assert.That(manifest.Files.Select(f => Path.GetFileName(f.Path)), Has.None.EqualTo("res1.log").And.None.EqualTo("edbtmp.log"));
    }

    [Test]
    public async Task TheEngineModelsHeldLockAndHistoryAreListedAsExcludedNotOpened()
    {
        CleanSetWithLogs3To5();
        File.WriteAllText(P(ExternalBackup.Testing.EngineModel.EngineModel.StateFileName), "{}");
        // A live model holds its lock file: a .NET reader cannot open it then.
        using var held = new FileStream(P(ExternalBackup.Testing.EngineModel.EngineModel.LockFileName), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var (manifest, _) = await Backup();

        Assert.That(manifest.Excluded!.Select(e => (Path.GetFileName(e.SourcePath), e.Reason)), Is.EquivalentTo(new[]
        {
            (".engine-model.json", FrozenSetPlanner.EngineModelFilesRule),
            (".engine-model.lock", FrozenSetPlanner.EngineModelFilesRule),
        }));
        Assert.That(manifest.Counts!.Excluded, Is.EqualTo(2));
        Assert.That(manifest.Files.Select(f => f.Path), Does.Contain("checkpoint/edb.chk"));
    }

    [TestCase(BackupKind.Incremental)]
    [TestCase(BackupKind.Differential)]
    public async Task IncrementalAndDifferentialCopyOnlyTheLogsAfterTheExtendedSet(BackupKind kind)
    {
        CleanSetWithLogs3To5();

        // The caller's own catalogue names the extended set (the memory sink keeps none).
        var (manifest, _) = await Backup(kind, new FrozenFolderSourceOptions { ChunkSize = 32768, LogsAfterGeneration = 3 }, new SetReference("set-0", BackupKind.Full, 3, Sig));

        Assert.That(manifest.Kind, Is.EqualTo(kind));
        Assert.That(manifest.Files.Select(f => f.Path), Is.EqualTo(new[] { "logs/edb00004.log", "logs/edb00005.log", "checkpoint/edb.chk" }));
        Assert.That(manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(4, 5)));
        Assert.That(manifest.Databases, Is.Empty);
    }

    [Test]
    public void SeparateDatabaseAndLogFoldersAreStoredApart()
    {
        var db = _scratch.Sub("db");
        var logs = _scratch.Sub("logs");
        ToyEseFormat.WriteDatabase(Path.Combine(db, "app.edb"), Sig, 4);
        ToyEseFormat.WriteLog(Path.Combine(logs, "edb.log"), Sig, 9);
        ToyEseFormat.WriteCheckpoint(Path.Combine(logs, "edb.chk"), Sig, 9);

        var plan = Source().Plan(new FrozenFolderLayout([db], [logs]), BackupKind.Full);

        Assert.That(plan.Files.Select(f => f.SetPath), Is.EqualTo(new[] { "databases/app.edb", "logs/edb00009.log", "checkpoint/edb.chk" }));
    }

    [Test]
    public void AComponentGetsOnlyTheDatabasesItsFileSpecsNameStoredUnderItsNameBelowEachRoleFolder()
    {
        var db = _scratch.Sub("db");
        var logs = _scratch.Sub("logs");
        ToyEseFormat.WriteDatabase(Path.Combine(db, "DB01.edb"), Sig, 4);
        ToyEseFormat.WriteDatabase(Path.Combine(db, "DB02.edb"), Sig, 4);
        ToyEseFormat.WriteDatabase(Path.Combine(db, "sub", "nested.edb"), Sig, 4);
        ToyEseFormat.WriteLog(Path.Combine(logs, "edb.log"), Sig, 9);
        ToyEseFormat.WriteCheckpoint(Path.Combine(logs, "edb.chk"), Sig, 9);

        var plan = Source().Plan(new FrozenFolderLayout([db], [logs], "DB01") { DatabaseFileSpecs = ["DB01.edb"] }, BackupKind.Full);

        Assert.That(plan.Files.Select(f => f.SetPath), Is.EqualTo(new[] { "databases/DB01/DB01.edb", "logs/DB01/edb00009.log", "checkpoint/DB01/edb.chk" }));
    }

    [Test]
    public void CancellationAbortsTheSet()
    {
        CleanSetWithLogs3To5();
        using var cts = new CancellationTokenSource();
        var sink = new MemorySink { OnWrite = _ => cts.Cancel() };

        Assert.That(() => new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "s", cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(sink.Committed, Is.Null);
        Assert.That(sink.Aborts, Is.EqualTo(1));
    }

    [Test]
    public void AChunkSizeThatIsNotAMultipleOf32KiBIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Source(new FrozenFolderSourceOptions { ChunkSize = 10000 }));
        Assert.That(e!.Message, Does.Contain("32768"));
    }
}
