using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>
/// Every database the engine lists is in the set or the backup fails naming it: a zeroed-header or unreadable
/// <c>ntds.dit</c> in the model instance fails the backup, truncates nothing and leaves the destination as it was.
/// </summary>
public sealed class StreamingBackupNothingLeftOutTests
{
    private ScratchDirectory _scratch = null!;
    private string _instance = null!;
    private string _destination = null!;

    [SetUp]
    public async Task SetUp()
    {
        _scratch = new ScratchDirectory("nothing-left-out");
        _instance = await SyntheticSourceFolder.WriteAsync(_scratch.Sub("instance"), "ntds.dit", "other.edb");
        _destination = _scratch.Sub("backups");
        Directory.CreateDirectory(_destination);
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private async Task<BackupResult> Run(EngineModel engine, BackupKind kind = BackupKind.Full)
    {
        await using var sink = new DirectorySink(_destination);
        return await new StreamingBackup(engine, sink).RunAsync(kind);
    }

    [Test]
    public async Task TheSetHoldsEveryListedDatabaseAndItsCountsAreTheSources()
    {
        var engine = EngineModel.Open(_instance);

        var result = await Run(engine);

        var sinkFiles = Directory.EnumerateFiles(Path.Combine(_destination, result.Manifest.SetId), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != BackupManifest.FileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.SourcePath), Is.EquivalentTo(engine.Databases));
            Assert.That(result.Counts.Databases, Is.EqualTo(engine.Databases.Count));
            Assert.That(result.Counts.Logs, Is.EqualTo(result.Manifest.LogGenerations!.High - result.Manifest.LogGenerations.Low + 1));
            Assert.That(result.Counts.Bytes, Is.EqualTo(sinkFiles.Sum(f => new FileInfo(f).Length)));
            Assert.That(result.Manifest.Counts, Is.EqualTo(result.Counts));
            Assert.That(result.Manifest.FormatVersion, Is.EqualTo(2));
            Assert.That(result.Manifest.Source, Is.EqualTo(ManifestSources.Engine));
            Assert.That(result.Manifest.Producer, Is.EqualTo(engine.Description));
        });
    }

    [Test]
    public async Task AnNtdsDitWithOnlyItsPrimaryHeaderZeroedIsStreamedFromItsShadowHeader()
    {
        using (var file = File.OpenHandle(Path.Combine(_instance, "ntds.dit"), FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(file, new byte[SyntheticSourceFolder.PageSize], 0);
        }

        var result = await Run(EngineModel.Open(_instance));

        Assert.That(result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => Path.GetFileName(f.Path)), Is.EquivalentTo(new[] { "ntds.dit", "other.edb" }));
    }

    [Test]
    public void AZeroedHeaderNtdsDitFailsTheBackupNamingItAndTruncatesNothing()
    {
        SyntheticSourceFolder.ZeroHeaderPages(Path.Combine(_instance, "ntds.dit"));
        AssertFailsNamingNtdsDit();
    }

    [LinuxOnly("the database is made unreadable with a Linux link to nothing, which Wine resolves differently")]
    [Test]
    public void AnUnreadableNtdsDitFailsTheBackupNamingItAndTruncatesNothing()
    {
        SyntheticSourceFolder.MakeUnreadable(Path.Combine(_instance, "ntds.dit"));
        AssertFailsNamingNtdsDit();
    }

    private void AssertFailsNamingNtdsDit()
    {
        var logsBefore = Directory.GetFiles(_instance, "edb*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var destinationBefore = SyntheticSourceFolder.Listing(_destination);
        var engine = EngineModel.Open(_instance);

        var e = Assert.ThrowsAsync<EseException>(() => Run(engine));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("ntds.dit"));
            Assert.That(engine.Databases.Select(Path.GetFileName), Does.Contain("ntds.dit"), "the instance has it attached");
            Assert.That(engine.IsBackupInProgress, Is.False, "the engine's backup was ended");
            Assert.That(engine.Calls.Select(c => c.Call), Has.None.EqualTo(EngineCall.TruncateLog));
            // The log roll of GetLogInfo is the engine's own doing; nothing the backup asked for deleted a log.
            Assert.That(Directory.GetFiles(_instance, "edb*.log").Select(Path.GetFileName), Is.SupersetOf(logsBefore));
            Assert.That(SyntheticSourceFolder.Listing(_destination), Is.EqualTo(destinationBefore));
        });
    }
}
