using System.Text;
using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests.Vss;

/// <summary>
/// The requestor sequence of <see cref="VssSnapshotProvider"/> on the Windows ABI: the Windows build under Wine
/// against the mingw-built vssapi.dll fixture, whose call log shows the slots called, the argument values received
/// (C++ bool bytes, GUIDs by value, UTF-16 strings), each interface's AddRef/Release and each BSTR freed.
/// </summary>
[WindowsOnly("loads the mingw-built vssapi.dll fixture (the Windows lane builds it beside the tests)")]
public sealed class VssRequestorTests
{
    private static readonly Guid ExchangeInstance = Guid.Parse("0c3f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
    private static readonly Guid RegistryWriter = Guid.Parse("afbab4a2-367d-4d15-a586-71dbb18f8485");
    private const string Logical = "Microsoft Exchange Server\\Microsoft Information Store\\SRV";
    private const string WriterXml = "<WRITER_METADATA friendlyName=\"Microsoft Exchange Writer\"><EXCLUDE_FILES path=\"db\" filespec=\"scratch.edb\"/></WRITER_METADATA>";
    private const string ComponentsXml = "<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" selectComponents=\"yes\" backupType=\"full\">Ω</BACKUP_COMPONENTS>";
    private const string Sig = "AAAA";

    private ScratchDirectory _scratch = null!;
    private string _live = null!;
    private string _shadow = null!;
    private VssFixture _fixture = null!;
    private string _volume = null!;

    [SetUp]
    public void SetUp()
    {
        _scratch = new ScratchDirectory("vss-requestor");
        _live = _scratch.Sub("live");
        _shadow = _scratch.Sub("shadow");
        _volume = Path.GetPathRoot(_live)!;
        // The snapshot of the live volume: the same tree below the device folder the fixture reports for the volume.
        var frozen = Path.Combine(_shadow, _live[_volume.Length..]);
        foreach (var root in new[] { _live, frozen })
        {
            ToyEseFormat.WriteDatabase(Path.Combine(root, "db", "store.edb"), Sig, pages: 8);
            ToyEseFormat.WriteDatabase(Path.Combine(root, "db", "scratch.edb"), Sig, pages: 2);
            ToyEseFormat.WriteLog(Path.Combine(root, "logs", "edb00005.log"), Sig, 5);
        }

        _fixture = new VssFixture(_scratch.Path)
            .Writer(EseWriters.ExchangeStore, ExchangeInstance, "Microsoft Exchange Writer", WriterXml)
            .Component(1, true, Logical, "store")
            .Database(Path.Combine(_live, "db"), "*.edb")
            .LogFile(Path.Combine(_live, "logs"), "edb*.log")
            .Exclude(Path.Combine(_live, "db"), "scratch.edb")
            .Writer(RegistryWriter, Guid.NewGuid(), "Registry Writer", "<WRITER_METADATA/>")
            .Component(2, false, "", "Registry")
            .File("%SystemRoot%\\System32\\config", "*", alternateLocation: "%SystemRoot%\\Repair")
            .Device(_volume, _shadow + "\\")
            .Document(ComponentsXml)
            .Pending(2);
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable("VSSFIXTURE_CONFIG", null);
        _scratch.Dispose();
    }

    [Test]
    public async Task A_full_backup_calls_the_documented_slots_in_order_with_the_declared_widths_and_frees_what_it_is_given()
    {
        _fixture.Apply();
        IReadOnlyList<string>? logAtCommit = null;
        var sink = new MemorySink { OnEvent = e => logAtCommit = e == "commit" ? _fixture.Log() : logAtCommit };

        var result = await Coordinator().RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, sink, CancellationToken.None);

        Assert.That(_fixture.ComponentCalls(), Is.EqualTo(new[]
        {
            "CreateVssBackupComponentsInternal", "InitializeForBackup", "SetContext", "SetBackupState",
            "GatherWriterMetadata", "GetWriterMetadataCount", "GetWriterMetadata", "GetWriterMetadata",
            "AddComponent", "StartSnapshotSet", "AddToSnapshotSet",
            "PrepareForBackup", "GatherWriterStatus", "GetWriterStatusCount", "GetWriterStatus", "GetWriterStatus", "FreeWriterStatus",
            "DoSnapshotSet", "GatherWriterStatus", "GetWriterStatusCount", "GetWriterStatus", "GetWriterStatus", "FreeWriterStatus",
            "SaveAsXML", "GetSnapshotProperties", "VssFreeSnapshotPropertiesInternal",
            "SetBackupSucceeded",
            "BackupComplete", "GatherWriterStatus", "GetWriterStatusCount", "GetWriterStatus", "GetWriterStatus", "FreeWriterStatus",
        }), string.Join("\n", _fixture.Log()));
        var ok = " -> 0x00000000";
        var component = $"instance={ExchangeInstance:D} writer={EseWriters.ExchangeStore:D} type=1 logical={Logical} name=store";
        Assert.Multiple(() =>
        {
            Assert.That(_fixture.Lines("InitializeForBackup"), Is.EqualTo(new[] { "InitializeForBackup xml=null" + ok }));
            Assert.That(_fixture.Lines("SetContext"), Is.EqualTo(new[] { "SetContext context=0" + ok }));
            Assert.That(_fixture.Lines("SetBackupState"), Is.EqualTo(new[] { "SetBackupState select=1 bootable=0 type=1 partial=0" + ok }), "C++ bool bytes and VSS_BT_FULL");
            Assert.That(_fixture.Lines("AddComponent"), Is.EqualTo(new[] { $"AddComponent {component}{ok}" }), "GUIDs by value, UTF-16 strings; the registry writer is not added");
            Assert.That(_fixture.Lines("AddToSnapshotSet"), Is.EqualTo(new[] { $"AddToSnapshotSet volume={_volume} provider={Guid.Empty:D}{ok}" }));
            Assert.That(_fixture.Lines("SetBackupSucceeded"), Is.EqualTo(new[] { $"SetBackupSucceeded {component} succeeded=1{ok}" }));
            Assert.That(_fixture.Lines("IVssWMComponent::GetFile"), Is.EqualTo(new[] { "IVssWMComponent::GetFile index=0" + ok }), "the registry writer's file list is read, and left out: not an ESE writer");
            Assert.That(_fixture.Lines("VssFreeSnapshotPropertiesInternal"), Is.EqualTo(new[] { "VssFreeSnapshotPropertiesInternal strings=4" + ok }));
            Assert.That(_fixture.Lines("IVssAsync::QueryStatus").Count(l => l.Contains("status=0x00042309", StringComparison.Ordinal)), Is.EqualTo(2 * 7), "each of the 7 operations was pending twice and polled again");
            Assert.That(_fixture.Lines("IVssAsync::Wait"), Has.All.Contains("ms=5"));
            Assert.That(_fixture.Log(), Has.None.Contains("E_NOTIMPL").And.None.Contains("(fixture-owned)"), "no unimplemented slot called, no BSTR of the fixture's freed");
            Assert.That(_fixture.Log().Last(), Is.EqualTo("summary live=0 unfreed=0"), "every interface released to zero, every BSTR handed out freed");
            Assert.That(logAtCommit, Is.Not.Null.And.None.StartsWith("SetBackupSucceeded").And.None.StartsWith("BackupComplete"), "the writers are told only after the commit");
        });
        Assert.That(_fixture.Lines("SysFreeString").Select(l => l["SysFreeString ".Length..]).Distinct(), Is.SupersetOf(new[]
        {
            "GetIdentity.name", "GetWriterStatus.name", "WriterMetadata.SaveAsXML", "SaveAsXML",
            "database[0].GetPath", "database[0].GetFilespec", "logfile[0].GetPath", "exclude[0].GetPath", "exclude[0].GetFilespec",
            "file[0].GetPath", "file[0].GetAlternateLocation",
        }));

        var documents = result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Other).ToList();
        Assert.That(documents.Select(f => f.Path), Is.EqualTo(new[] { "documents/backup-components.xml", $"documents/writer-{ExchangeInstance:D}.xml" }));
        Assert.That(sink.Files["documents/backup-components.xml"].ToArray(), Is.EqualTo(Utf16(ComponentsXml)), "the Backup Components Document as the BSTR held it");
        Assert.That(sink.Files[documents[1].Path].ToArray(), Is.EqualTo(Utf16(WriterXml)), "the writer's metadata document");
        Assert.That(result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.SourcePath), Is.EqualTo(new[] { Path.Combine(_shadow, _live[_volume.Length..], "db", "store.edb") }), "read from the snapshot");
        var excluded = result.Manifest.Excluded!.Single();
        Assert.That((Path.GetFileName(excluded.SourcePath), excluded.Reason), Is.EqualTo(("scratch.edb", $"writer 'Microsoft Exchange Writer' excludes {Path.Combine(_live, "db")}\\scratch.edb")));
        Assert.That(result.Manifest.Counts!.Excluded, Is.EqualTo(1));
    }

    [TestCase("fail", "CreateVssBackupComponentsInternal", unchecked((int)0x80070005), "OpenSession", "E_ACCESSDENIED")]
    [TestCase("fail", "InitializeForBackup", unchecked((int)0x80070005), "Initialize", "E_ACCESSDENIED")]
    [TestCase("asyncfail", "GatherWriterMetadata", unchecked((int)0x800423F3), "GatherWriterMetadata", "VSS_E_WRITERERROR_RETRYABLE")]
    [TestCase("fail", "AddToSnapshotSet", unchecked((int)0x8004230C), "AddToSnapshotSet", "VSS_E_VOLUME_NOT_SUPPORTED")]
    [TestCase("asyncfail", "DoSnapshotSet", unchecked((int)0x80042313), "DoSnapshotSet", "VSS_E_FLUSH_WRITES_TIMEOUT")]
    [TestCase("fail", "SaveAsXML", unchecked((int)0x80042311), "SaveDocuments", "VSS_E_INVALID_XML_DOCUMENT")]
    public async Task A_session_failure_on_request_falls_back_to_streaming_naming_the_step_and_the_code(string how, string call, int hResult, string step, string name)
    {
        (how == "fail" ? _fixture.Fail(call, hResult) : _fixture.AsyncFail(call, hResult)).Apply();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var sink = new MemorySink();

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments { FallbackToStreaming = true }, sink, new CliConsole(output, errors), CancellationToken.None, new ToyEseFormat(), Provider());

        Assert.That(outcome.RunStreaming, Is.True, errors.ToString());
        Assert.That(errors.ToString().Trim().Split('\n'), Has.Length.EqualTo(1), errors.ToString());
        Assert.That(errors.ToString(), Does.Contain($"step {step} failed").And.Contain(name).And.Contain("falling back to the streaming"));
        Assert.That(sink.Set, Is.Null, "nothing reached the sink");
        Assert.That(_fixture.Log(), Has.None.StartsWith("SetBackupSucceeded").And.None.StartsWith("BackupComplete"));
        if (step != "OpenSession")
        {
            var calls = _fixture.ComponentCalls();
            Assert.That(calls.Contains("AbortBackup"), Is.EqualTo(calls.Contains("StartSnapshotSet")), "AbortBackup once the set was started");
            Assert.That(_fixture.Log().Last(), Is.EqualTo("summary live=0 unfreed=0"));
        }
    }

    [Test]
    public void A_selected_writer_failing_at_prepare_is_named_with_its_state_and_error_and_the_backup_aborted()
    {
        _fixture.State(EseWriters.ExchangeStore, 7, unchecked((int)0x800423F2)).State(RegistryWriter, 8, unchecked((int)0x800423F4)).Apply();

        var e = Assert.ThrowsAsync<SnapshotException>(() => Coordinator().RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new MemorySink(), CancellationToken.None));

        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.PrepareForBackup));
        Assert.That(e.Message, Does.Contain("writer 'Microsoft Exchange Writer' is in state 7 (VSS_E_WRITERERROR_TIMEOUT)").And.Not.Contain("Registry"), "only the selected writers' states count");
        Assert.That(_fixture.ComponentCalls().TakeLast(1), Is.EqualTo(new[] { "AbortBackup" }));
        Assert.That(_fixture.Log().Last(), Is.EqualTo("summary live=0 unfreed=0"));
    }

    private static VssSnapshotProvider Provider() => new(new VssProviderOptions { PollInterval = TimeSpan.FromMilliseconds(5) });

    private static SnapshotBackupCoordinator Coordinator() =>
        new(Provider(), new FrozenFolderSource(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 }));

    private static byte[] Utf16(string text) => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];
}
