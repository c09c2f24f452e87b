using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

public sealed class CoordinatorTests
{
    private ScratchDirectory _scratch = null!;
    private SnapshotProviderModel _provider = null!;
    private MemorySink _sink = null!;
    private const string Sig = "AAAA";
    private FrozenFolderSource _source = null!;
    private Action? _onCopy;
    private bool _copyRecorded;
    private SnapshotComponent _component = null!;
    private string _live = null!;

    private static readonly SnapshotStep[] ProviderSteps =
    [
        SnapshotStep.OpenSession, SnapshotStep.Initialize, SnapshotStep.GatherWriterMetadata, SnapshotStep.AddComponents,
        SnapshotStep.StartSnapshotSet, SnapshotStep.AddToSnapshotSet, SnapshotStep.PrepareForBackup, SnapshotStep.DoSnapshotSet,
        SnapshotStep.SaveDocuments, SnapshotStep.GetSnapshotPaths, SnapshotStep.SetBackupSucceeded, SnapshotStep.BackupComplete,
    ];

    /// <summary>Steps after which the snapshot set has been started, so a failure there must be followed by AbortBackup.</summary>
    private static readonly SnapshotStep[] StepsNeedingAbort =
    [
        SnapshotStep.AddToSnapshotSet, SnapshotStep.PrepareForBackup, SnapshotStep.DoSnapshotSet,
        SnapshotStep.SaveDocuments, SnapshotStep.GetSnapshotPaths, SnapshotStep.SetBackupSucceeded, SnapshotStep.BackupComplete,
    ];

    [SetUp]
    public void SetUp()
    {
        _scratch = new ScratchDirectory("coord");
        _live = _scratch.Sub("live");
        Directory.CreateDirectory(Path.Combine(_live, "db"));
        Directory.CreateDirectory(Path.Combine(_live, "logs"));
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "store.edb"), Sig, pages: 8);
        ToyEseFormat.WriteLog(Path.Combine(_live, "logs", "edb.log"), Sig, 5);
        _provider = new SnapshotProviderModel(_scratch.Sub("snapshots")).AddVolume(_live);
        _component = new SnapshotComponent
        {
            WriterId = Guid.Parse("76FE1AC4-15F7-4BCD-987E-8E1ACB462FB7"),
            InstanceId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            WriterName = "Model Exchange Writer",
            LogicalPath = "Microsoft Exchange Server\\Microsoft Information Store",
            Name = "store",
            Files =
            [
                new SnapshotFileSpec(SnapshotFileRole.Database, Path.Combine(_live, "db"), "*.edb"),
                new SnapshotFileSpec(SnapshotFileRole.Log, Path.Combine(_live, "logs"), "edb*.log"),
            ],
        };
        _provider.AddComponent(_component);
        _copyRecorded = false;
        _onCopy = null;
        _sink = new MemorySink
        {
            OnEvent = e => _provider.Record(e.StartsWith("commit", StringComparison.Ordinal) ? SnapshotStep.Commit : SnapshotStep.Copy, e),
            OnWrite = _ =>
            {
                if (!_copyRecorded)
                {
                    _copyRecorded = true;
                    _provider.Record(SnapshotStep.Copy, "copy");
                }

                _onCopy?.Invoke();
            },
        };
        _source = new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 });
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private SnapshotBackupCoordinator Coordinator(SnapshotBackupOptions? options = null) => new(_provider, _source, options ?? new SnapshotBackupOptions { SetId = "set-1" });

    private Task<SnapshotBackupResult> Run(BackupKind kind = BackupKind.Full, CancellationToken cancellationToken = default) =>
        Coordinator().RunAsync(new SnapshotRequest { Kind = kind }, _sink, cancellationToken);

    private List<string> ProviderLog() => _provider.Calls.Select(c => c.Session == 0 ? $"{c.Detail}" : $"{c.Step}{(c.Failed ? "!" : "")}").ToList();

    private void AssertAlwaysCleanedUp()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_provider.LiveSnapshots, Is.Zero, "snapshots must be released");
            Assert.That(_provider.OpenSessions, Is.Zero, "the session must be released");
            Assert.That(_provider.SetInProgress, Is.False, "no snapshot set may be left in progress");
        });
    }

    [Test]
    public async Task FullBackupCallsEveryStepInOrderAndCompletesOnlyAfterCommit()
    {
        var result = await Run();

        Assert.That(ProviderLog(), Is.EqualTo(new[]
        {
            "OpenSession", "Initialize", "GatherWriterMetadata", "AddComponents", "StartSnapshotSet", "AddToSnapshotSet",
            "PrepareForBackup", "DoSnapshotSet", "SaveDocuments", "GetSnapshotPaths", "begin", "copy", "commit", "SetBackupSucceeded",
            "BackupComplete", "Release",
        }));
        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest.Kind, Is.EqualTo(BackupKind.Full));
            Assert.That(result.Manifest.TruncatesLogs, Is.True);
            Assert.That(result.Manifest.Source, Is.EqualTo(ManifestSources.Snapshot));
            Assert.That(result.Manifest.Producer, Is.EqualTo("model"));
            Assert.That(result.Manifest.Files.Select(f => f.Path), Is.EqualTo(new[]
            {
                "databases/store.edb", "logs/edb00005.log", "documents/backup-components.xml", $"documents/writer-{_component.InstanceId:D}.xml",
            }));
            Assert.That(_sink.Committed, Is.SameAs(result.Manifest));
            Assert.That(_provider.Truncations, Is.EqualTo(new[] { $"{_component.Key}:full" }));
            Assert.That(_provider.Calls.Single(c => c.Step == SnapshotStep.SetBackupSucceeded).Detail, Does.EndWith("=True"));
            Assert.That(result.CleanupWarnings, Is.Empty);
        });
        AssertAlwaysCleanedUp();
    }

    [Test]
    public async Task FilesAreReadFromTheSnapshotNotTheLiveVolume()
    {
        await Run();

        var copied = _sink.Completed.Where(c => c.File.Kind != BackupFileKind.Other).ToList();
        Assert.That(copied, Has.Count.EqualTo(2));
        Assert.That(copied.Select(c => c.File.SourcePath), Has.All.StartsWith(_provider.SnapshotStorage));
    }

    [TestCase(BackupKind.Full, true)]
    [TestCase(BackupKind.Incremental, true)]
    [TestCase(BackupKind.Copy, false)]
    [TestCase(BackupKind.Differential, false)]
    public async Task OnlyFullAndIncrementalLetTheWritersTruncateAndTheManifestSaysWhich(BackupKind kind, bool truncates)
    {
        // The memory sink keeps no catalogue: the chain's base is the caller's (AllowOrphan).
        var result = await Coordinator(new SnapshotBackupOptions { SetId = "set-1", AllowOrphan = true }).RunAsync(new SnapshotRequest { Kind = kind }, _sink, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest.Kind, Is.EqualTo(kind));
            Assert.That(result.Manifest.TruncatesLogs, Is.EqualTo(truncates));
            Assert.That(_provider.Calls.Single(c => c.Step == SnapshotStep.Initialize).Detail, Is.EqualTo(kind.Name()));
            Assert.That(_provider.Truncations, truncates ? Is.EqualTo(new[] { $"{_component.Key}:{kind.Name()}" }) : Is.Empty);
        });
        AssertAlwaysCleanedUp();
    }

    [TestCaseSource(nameof(ProviderSteps))]
    public void EveryStepFailingAbortsWhenPastStartReleasesAndNeverCompletes(SnapshotStep step)
    {
        _provider.Faults.FailAt(step);

        var e = Assert.ThrowsAsync<SnapshotException>(() => Run());

        Assert.That(e!.Step, Is.EqualTo(step));
        Assert.That(e.HResult, Is.EqualTo(SnapshotModelErrors.Unexpected));
        var calls = _provider.Calls;
        Assert.Multiple(() =>
        {
            Assert.That(calls.Any(c => c.Step == SnapshotStep.BackupComplete && !c.Failed), Is.False, "BackupComplete must not succeed after a failure");
            Assert.That(calls.Count(c => c.Step == SnapshotStep.AbortBackup), Is.EqualTo(StepsNeedingAbort.Contains(step) ? 1 : 0), string.Join(", ", calls));
            Assert.That(calls.Any(c => c.Step == SnapshotStep.AbortBackup && c.Failed), Is.False);
            Assert.That(calls.Count(c => c.Step == SnapshotStep.Release), Is.EqualTo(step == SnapshotStep.OpenSession ? 0 : 1));
            Assert.That(_provider.Truncations, Is.Empty, "no writer may truncate after a failure");
        });
        if (step is SnapshotStep.SetBackupSucceeded or SnapshotStep.BackupComplete)
        {
            Assert.That(_sink.Committed, Is.Not.Null, "the set was committed before the writers were told");
            Assert.That(e.Message, Does.Contain("committed but the writers could not be told success"));
        }
        else
        {
            Assert.That(_sink.Committed, Is.Null);
            Assert.That(_sink.Aborts, Is.EqualTo(_sink.Set is null ? 0 : 1));
        }

        if (step != SnapshotStep.OpenSession)
        {
            Assert.That(calls.Last().Step, Is.EqualTo(SnapshotStep.Release), "release comes last");
        }

        AssertAlwaysCleanedUp();
    }

    [Test]
    public void CorruptionFoundWhileCopyingAbortsAndNeverReportsSuccess()
    {
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "store.edb"), Sig, pages: 8, dirty: false, 0, 0, 7);

        var e = Assert.ThrowsAsync<BackupVerificationException>(() => Run());

        Assert.That(e!.Message, Does.Contain("page 7"));
        // Whether another file's bytes reached the sink ("copy") before the damaged chunk was found is a race between the
        // copier's lanes (a chunk reaches the sink only once verified); what is fixed is the order of the rest.
        Assert.That(ProviderLog().Skip(10).Where(step => step != "copy"), Is.EqualTo(new[] { "begin", "abort", "AbortBackup", "Release" }));
        Assert.That(_sink.Committed, Is.Null);
        AssertAlwaysCleanedUp();
    }

    [Test]
    public void AnUnverifiedSetIsNeitherStartedNorReportedSuccessful()
    {
        _source = new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024, Verify = false });

        var e = Assert.ThrowsAsync<SnapshotException>(() => Run());

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.Copy));
        Assert.That(e.Message, Does.Contain("verification is off"));
        Assert.That(_sink.Set, Is.Null);
        Assert.That(_provider.Calls, Is.Empty);
    }

    [Test]
    public void AnUncommittedSetIsNeverReportedSuccessful()
    {
        _sink.FailCommit = true;

        Assert.ThrowsAsync<IOException>(() => Run());

        Assert.That(ProviderLog().Skip(10), Is.EqualTo(new[] { "begin", "copy", "commit-failed", "abort", "AbortBackup", "Release" }));
        Assert.That(_provider.Truncations, Is.Empty);
        AssertAlwaysCleanedUp();
    }

    [TestCaseSource(nameof(ProviderSteps))]
    public void CancellationAtAnyStepStillAbortsAndReleases(SnapshotStep step)
    {
        using var cts = new CancellationTokenSource();
        _provider.Faults.Before(step, cts.Cancel);

        Assert.That(() => Run(cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        var calls = _provider.Calls;
        Assert.That(calls.Any(c => c.Step == SnapshotStep.BackupComplete), Is.False);
        Assert.That(calls.Count(c => c.Step == SnapshotStep.AbortBackup), Is.EqualTo(StepsNeedingAbort.Contains(step) ? 1 : 0), string.Join(", ", calls));
        AssertAlwaysCleanedUp();
    }

    [Test]
    public void CancellationDuringTheCopyAbortsAndReleases()
    {
        using var cts = new CancellationTokenSource();
        _onCopy = cts.Cancel;

        Assert.That(() => Run(cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(_provider.Calls.Count(c => c.Step == SnapshotStep.AbortBackup), Is.EqualTo(1));
        Assert.That(_sink.Aborts, Is.EqualTo(1));
        AssertAlwaysCleanedUp();
    }

    [Test]
    public void AFailingAbortDoesNotHideTheCauseAndTheSessionIsStillReleased()
    {
        _provider.Faults.FailAt(SnapshotStep.DoSnapshotSet).FailAt(SnapshotStep.AbortBackup, SnapshotModelErrors.BadState);

        var e = Assert.ThrowsAsync<SnapshotException>(() => Run());

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.DoSnapshotSet));
        Assert.That(_provider.Calls.Last().Step, Is.EqualTo(SnapshotStep.Release));
        Assert.That(_provider.LiveSnapshots, Is.Zero);
        Assert.That(_provider.OpenSessions, Is.Zero);
    }

    [Test]
    public async Task AReleaseFailureAfterACompletedBackupIsAWarningNotAFailure()
    {
        _provider.Faults.FailAt(SnapshotStep.Release);

        var result = await Run();

        Assert.That(result.CleanupWarnings, Has.Count.EqualTo(1));
        Assert.That(result.CleanupWarnings[0], Does.Contain("release"));
        Assert.That(_provider.Truncations, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AFailedBackupLeavesNoSetInProgressSoTheNextBackupRuns()
    {
        _provider.Faults.FailAt(SnapshotStep.DoSnapshotSet);
        Assert.ThrowsAsync<SnapshotException>(() => Run());

        _sink = new MemorySink();
        var result = await Coordinator(new SnapshotBackupOptions { SetId = "set-2" }).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, _sink, CancellationToken.None);

        Assert.That(result.Manifest.SetId, Is.EqualTo("set-2"));
        AssertAlwaysCleanedUp();
    }

    [Test]
    public async Task TheModelBlocksASecondSetWhileOneIsLeftInProgressLikeVss()
    {
        await using (var leaked = await _provider.OpenSessionAsync(CancellationToken.None))
        {
            await leaked.InitializeAsync(BackupKind.Full, CancellationToken.None);
            await leaked.GatherComponentsAsync(CancellationToken.None);
            await leaked.StartSnapshotSetAsync(CancellationToken.None);
        }

        var e = Assert.ThrowsAsync<SnapshotException>(() => Run());

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.StartSnapshotSet));
        Assert.That(e.HResult, Is.EqualTo(SnapshotModelErrors.SnapshotSetInProgress));
    }

    [Test]
    public async Task TheModelRejectsOutOfOrderCallsWithBadState()
    {
        await using var session = await _provider.OpenSessionAsync(CancellationToken.None);
        await session.InitializeAsync(BackupKind.Full, CancellationToken.None);

        var e = Assert.ThrowsAsync<SnapshotException>(async () => await session.BackupCompleteAsync(CancellationToken.None));

        Assert.That(e!.HResult, Is.EqualTo(SnapshotModelErrors.BadState));
        Assert.That(e.Step, Is.EqualTo(SnapshotStep.BackupComplete));
    }

    [Test]
    public void AnUnknownWriterIsRefusedBeforeAnySnapshotIsStarted()
    {
        var writer = Guid.Parse("B2014C9E-8711-4C5C-A5A9-3CF384484757");

        var e = Assert.ThrowsAsync<SnapshotException>(() => Coordinator().RunAsync(new SnapshotRequest { Kind = BackupKind.Full, WriterIds = [writer] }, _sink, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain(writer.ToString()));
        Assert.That(_provider.Calls.Select(c => c.Step), Has.None.EqualTo(SnapshotStep.StartSnapshotSet));
        AssertAlwaysCleanedUp();
    }

    [Test]
    public void AZeroedDatabaseNamedByTheComponentsFileSpecFailsNamingItAndTellsTheWritersNothing()
    {
        // Not a database by its name (".bin") nor by its content (all zero): by its position, the component's database file spec.
        _component = _component with { Name = "blob", Files = [new SnapshotFileSpec(SnapshotFileRole.Database, Path.Combine(_live, "db"), "*.bin"), _component.Files[1]] };
        _provider = new SnapshotProviderModel(_scratch.Sub("snapshots2")).AddVolume(_live);
        _provider.AddComponent(_component);
        File.WriteAllBytes(Path.Combine(_live, "db", "store.bin"), new byte[8 * ToyEseFormat.PageSize]);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Run());

        Assert.That(e!.FilePath, Does.EndWith("store.bin"));
        Assert.That(e.Message, Does.Contain("database file specification '*.bin'").And.Contain("not a readable ESE database header"));
        Assert.That(_sink.Set, Is.Null, "planned before the sink's set begins: the destination is unchanged");
        Assert.That(_provider.Calls.Count(c => c.Step == SnapshotStep.AbortBackup), Is.EqualTo(1));
        Assert.That(_provider.Truncations, Is.Empty);
        AssertAlwaysCleanedUp();
    }

    [Test]
    public async Task TheWritersDocumentsAreStoredUnderDocumentsAsKindOther()
    {
        var result = await Run();

        var documents = result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Other).ToList();
        Assert.That(documents.Select(f => (f.Path, f.SourcePath)), Is.EqualTo(new[]
        {
            ("documents/backup-components.xml", "model:backup-components"),
            ($"documents/writer-{_component.InstanceId:D}.xml", $"model:writer-metadata {_component.WriterName}"),
        }));
        Assert.That(result.Manifest.Counts!.Documents, Is.EqualTo(2));
        var stored = System.Text.Encoding.UTF8.GetString(_sink.Files["documents/backup-components.xml"].ToArray());
        Assert.That(stored, Does.Contain($"componentName=\"{_component.Name}\"").And.Contain("backupType=\"full\""));
        Assert.That(System.Text.Encoding.UTF8.GetString(_sink.Files[documents[1].Path].ToArray()), Does.Contain(_component.WriterId.ToString()));
    }

    [Test]
    public async Task AFileTheWriterExcludesIsNotCopiedAndTheManifestSaysWhichAndWhy()
    {
        // scratch.edb matches the component's *.edb; the writer's exclude list wins over it (VSS), and says so.
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "scratch.edb"), Sig, pages: 2);
        _component = _component with { Excludes = [new SnapshotFileSpec(SnapshotFileRole.Other, Path.Combine(_live, "db"), "scratch.*")] };
        _provider = new SnapshotProviderModel(_scratch.Sub("snapshots2")).AddVolume(_live);
        _provider.AddComponent(_component);

        var result = await Run();

        var excluded = result.Manifest.Excluded!.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest.Files.Select(f => f.Path), Does.Contain("databases/store.edb").And.No.Contain("databases/scratch.edb"));
            Assert.That(Path.GetFileName(excluded.SourcePath), Is.EqualTo("scratch.edb"));
            Assert.That(excluded.SourcePath, Does.StartWith(_provider.SnapshotStorage), "named where it was left out: in the snapshot");
            Assert.That(excluded.Reason, Is.EqualTo($"writer '{_component.WriterName}' excludes {Path.Combine(_live, "db")}{Path.DirectorySeparatorChar}scratch.*"));
            Assert.That(result.Manifest.Counts!.Excluded, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task EveryOtherFileTheComponentNamesIsStoredUnderFilesAsKindOther()
    {
        // A VSS requestor backs up every file a component lists, also its GetFile files: here one in a folder of its
        // own and one beside the database (not ESE, which the planner would otherwise only note as skipped).
        Directory.CreateDirectory(Path.Combine(_live, "meta", "sub"));
        File.WriteAllText(Path.Combine(_live, "meta", "sub", "catalog.xml"), "<catalog/>");
        File.WriteAllText(Path.Combine(_live, "meta", "ignored.txt"), "not named");
        File.WriteAllText(Path.Combine(_live, "db", "store.cfg"), "setting=1");
        _component = _component with
        {
            Files = [.. _component.Files, new SnapshotFileSpec(SnapshotFileRole.Other, Path.Combine(_live, "meta"), "*.xml", Recursive: true), new SnapshotFileSpec(SnapshotFileRole.Other, Path.Combine(_live, "db"), "*.cfg")],
        };
        _provider = new SnapshotProviderModel(_scratch.Sub("snapshots2")).AddVolume(_live);
        _provider.AddComponent(_component);

        var result = await Run();

        var stored = result.Manifest.Files.Where(f => f.Path.StartsWith("files/", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Select(f => (f.Path, f.Kind)), Is.EquivalentTo(new[] { ("files/meta/sub/catalog.xml", BackupFileKind.Other), ("files/db/store.cfg", BackupFileKind.Other) }));
            Assert.That(stored.Select(f => Path.GetFileName(f.SourcePath)), Is.EquivalentTo(new[] { "catalog.xml", "store.cfg" }));
            Assert.That(System.Text.Encoding.UTF8.GetString(_sink.Files["files/meta/sub/catalog.xml"].ToArray()), Is.EqualTo("<catalog/>"));
            Assert.That(result.Manifest.Files.Select(f => f.Path), Has.None.Contains("ignored.txt"));
            Assert.That(result.Manifest.Counts!.Documents, Is.EqualTo(4), "two writer documents and two component files, all kind other");
        });
    }

    [Test]
    public async Task WithoutExcludesTheManifestHasNoExcludedList()
    {
        var result = await Run();

        Assert.That(result.Manifest.Excluded, Is.Null);
        Assert.That(result.Manifest.Counts!.Excluded, Is.Zero);
    }

    [Test]
    public void AnUnavailableProviderSaysWhy()
    {
        _provider.IsAvailable = false;

        var e = Assert.ThrowsAsync<SnapshotException>(() => Run());

        Assert.That(e!.Message, Does.Contain("unavailable"));
        Assert.That(_provider.Calls, Is.Empty);
    }
}
