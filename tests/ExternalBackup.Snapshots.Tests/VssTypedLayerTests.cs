using System.Text;
#pragma warning disable CA1416 // the typed layer is Windows-only; here it runs over fake vtables, which works on any OS
using ExternalBackup.Interop.Vss;
using ExternalBackup.Manifest;
using ExternalBackup.Snapshots.Tests.Support;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>The typed VSS layer and the raw vtable calls under it, driven over fake C++/COM objects (<see cref="FakeVss"/>).</summary>
[NonParallelizable]
public sealed class VssTypedLayerTests
{
    private VssSnapshotSession _session = null!;

    [SetUp]
    public void SetUp() =>
        _session = new VssSnapshotSession(new VssBackupComponents(FakeVss.Create(), TimeSpan.FromMilliseconds(1), FakeVss.FreeProperties), new VssProviderOptions());

    [TearDown]
    public void TearDown() => FakeVss.FreeAll();

    [Test]
    public async Task AFullBackupSequenceCallsTheRightSlotsWithTheRightWidthsAndReleasesEverything()
    {
        var ct = CancellationToken.None;
        await _session.InitializeAsync(BackupKind.Full, ct);
        var components = await _session.GatherComponentsAsync(ct);
        var ntds = components.Single();
        await _session.AddComponentAsync(ntds, ct);
        await _session.StartSnapshotSetAsync(ct);
        await _session.AddVolumeAsync("C:\\", ct);
        await _session.PrepareForBackupAsync(ct);
        await _session.DoSnapshotSetAsync(ct);
        var documents = await _session.SaveDocumentsAsync(ct);
        var root = await _session.GetSnapshotRootAsync("C:\\", ct);
        await _session.SetBackupSucceededAsync(ntds, true, ct);
        await _session.BackupCompleteAsync(ct);
        await _session.DisposeAsync();

        Assert.That(root, Is.EqualTo(FakeVss.DeviceObject));
        Assert.That(documents.Select(d => (d.Name, Encoding.Unicode.GetString(d.Content.Span[2..]))), Is.EqualTo(new[]
        {
            ("backup-components.xml", "<BACKUP_COMPONENTS/>"),
            ($"writer-{FakeVss.Instance:D}.xml", "<WRITER_METADATA/>"),
        }));
        Assert.That(documents.Select(d => d.Content.Span[..2].ToArray()), Has.All.EqualTo(new byte[] { 0xFF, 0xFE }), "UTF-16LE with a byte order mark");
        Assert.That(ntds.Key, Is.EqualTo("NTDS:C:_Windows_NTDS\\ntds"));
        Assert.That(ntds.Files.Select(f => (f.Role, f.Folder, f.FileSpec)), Is.EqualTo(new[]
        {
            (SnapshotFileRole.Database, "C:\\Windows\\NTDS", "ntds.dit"),
            (SnapshotFileRole.Log, "C:\\Windows\\NTDS", "edb*.log"),
        }));
        var i = FakeVss.Instance;
        var w = EseWriters.Ntds;
        Assert.That(FakeVss.Log, Is.EqualTo(new[]
        {
            "InitializeForBackup(null)", "SetContext(0)", "SetBackupState(1,0,1,0)",
            "GatherWriterMetadata", "Release(async)", "GetWriterMetadata(0)", "WriterMetadata.SaveAsXML",
            "Release(dbfile)", "Release(logfile)", "FreeComponentInfo", "Release(component)", "Release(metadata)",
            $"AddComponent({i},{w},1,C:_Windows_NTDS,ntds)",
            "StartSnapshotSet", $"AddToSnapshotSet(C:\\,{Guid.Empty})",
            "PrepareForBackup", "Release(async)", "GatherWriterStatus", "Release(async)", "FreeWriterStatus",
            "DoSnapshotSet", "Release(async)", "GatherWriterStatus", "Release(async)", "FreeWriterStatus",
            "SaveAsXML",
            $"GetSnapshotProperties({FakeVss.SnapshotId})", "VssFreeSnapshotProperties",
            $"SetBackupSucceeded({i},{w},1,C:_Windows_NTDS,ntds,1)",
            "BackupComplete", "Release(async)", "GatherWriterStatus", "Release(async)", "FreeWriterStatus",
            "Release(backup)",
        }));
    }

    [TestCase(BackupKind.Incremental, 2)]
    [TestCase(BackupKind.Differential, 3)]
    [TestCase(BackupKind.Copy, 5)]
    public async Task TheBackupTypeIsDeclaredToTheWriters(BackupKind kind, int vssType)
    {
        await _session.InitializeAsync(kind, CancellationToken.None);

        Assert.That(FakeVss.Log, Does.Contain($"SetBackupState(1,0,{vssType},0)"));
    }

    [Test]
    public async Task AFailedSelectedWriterAfterPrepareIsReportedByNameAndState()
    {
        await _session.InitializeAsync(BackupKind.Full, CancellationToken.None);
        var ntds = (await _session.GatherComponentsAsync(CancellationToken.None)).Single();
        await _session.AddComponentAsync(ntds, CancellationToken.None);
        await _session.StartSnapshotSetAsync(CancellationToken.None);
        FakeVss.WriterState = 7;

        var e = Assert.ThrowsAsync<SnapshotException>(async () => await _session.PrepareForBackupAsync(CancellationToken.None));

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.PrepareForBackup));
        Assert.That(e.Message, Does.Contain("writer 'NTDS' is in state 7 (VSS_E_WRITERERROR_RETRYABLE)"));
        Assert.That(FakeVss.Log.Last(), Is.EqualTo("FreeWriterStatus"));
    }

    [Test]
    public async Task AFailedAsyncOperationIsReportedWithItsVssErrorName()
    {
        await _session.InitializeAsync(BackupKind.Full, CancellationToken.None);
        FakeVss.FailingOperation = "GatherWriterMetadata";
        FakeVss.AsyncFailure = unchecked((int)0x80042313);

        var e = Assert.ThrowsAsync<SnapshotException>(async () => await _session.GatherComponentsAsync(CancellationToken.None));

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.GatherWriterMetadata));
        Assert.That(e.Message, Does.Contain("VSS_E_FLUSH_WRITES_TIMEOUT"));
        Assert.That(e.HResult, Is.EqualTo(unchecked((int)0x80042313)));
        Assert.That(FakeVss.Log.Last(), Is.EqualTo("Release(async)"), "the IVssAsync is released on failure too");
    }

    [Test]
    public async Task APendingOperationIsCancelledThroughIVssAsync()
    {
        await _session.InitializeAsync(BackupKind.Full, CancellationToken.None);
        FakeVss.FailingOperation = "GatherWriterMetadata";
        FakeVss.AsyncFailure = 0x00042309; // VSS_S_ASYNC_PENDING: never finishes
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.That(async () => await _session.GatherComponentsAsync(cts.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(FakeVss.Log, Does.Contain("Cancel"));
        Assert.That(FakeVss.Log.Last(), Is.EqualTo("Release(async)"));
    }

    [Test]
    public async Task AbortBackupUsesItsSlot()
    {
        await _session.AbortBackupAsync(CancellationToken.None);

        Assert.That(FakeVss.Log, Is.EqualTo(new[] { "AbortBackup" }));
    }
}
