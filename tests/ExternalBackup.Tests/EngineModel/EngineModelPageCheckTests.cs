using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>The model's own page checks on real databases of other formats (ECC checksums, 32 KiB pages, real corruption).</summary>
public class EngineModelPageCheckTests
{
    [TestCase("dissect-synthetic/basic.edb", 4096)]
    [TestCase("dissect-synthetic/large.edb", 32768)]
    [TestCase("win11-secedit/secedit.sdb", 4096)]
    public void Ecc_databases_stream_their_source_pages(string corpusFile, int pageSize)
    {
        using var xp = new XpInstance(corpusFile);
        var model = xp.Open();
        var path = xp.PathOf(Path.GetFileName(corpusFile));
        Assert.That(model.Databases, Is.EqualTo(new[] { path }));
        Assert.That(model.PageSize, Is.EqualTo(pageSize), "page size from the header");

        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, path, 8 * pageSize);
        var source = File.ReadAllBytes(path);
        var dataBytes = source.Length - (2 * pageSize);
        Assert.That(stream, Has.Length.EqualTo(source.Length + pageSize));
        Assert.That(stream.AsSpan(2 * pageSize, dataBytes).SequenceEqual(source.AsSpan(2 * pageSize, dataBytes)), Is.True);

        var log = model.GetLogInfo().Files.Single();
        ReadWhole(model, log, 2 * pageSize);
        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.History.Single().Databases, Is.EqualTo(new[] { Path.GetFileName(corpusFile) }));
    }

    [Test]
    public void A_really_corrupt_database_fails_at_its_first_bad_page()
    {
        using var xp = new XpInstance("srudb-corrupt-tail/SRUDB.dat");
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var e = Assert.Throws<EseException>(() => ReadWhole(model, xp.PathOf("SRUDB.dat")))!;
        Assert.That(e.Error, Is.EqualTo(JetError.ReadVerifyFailure));
        Assert.That(e.Message, Does.Contain("page 143 "));
        Assert.That(model.IsBackupInProgress, Is.True, "a database-phase error drops only that database");
    }

    [Test]
    public void Page_checks_can_be_turned_off_for_speed_runs()
    {
        using var xp = new XpInstance("srudb-corrupt-tail/SRUDB.dat");
        var model = xp.Open(new EngineModelOptions { VerifyPages = false });
        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, xp.PathOf("SRUDB.dat"));
        Assert.That(stream, Has.Length.EqualTo(File.ReadAllBytes(TestPaths.CorpusFile("srudb-corrupt-tail/SRUDB.dat")).Length + 4096));
    }
}

/// <summary>Large instances made by <see cref="SyntheticDatabase"/>.</summary>
public class SyntheticDatabaseTests
{
    [TestCase(null, SmallDb, 4096)]
    [TestCase("dissect-synthetic/large.edb", "large.edb", 32768)]
    public void Grown_database_streams_with_every_page_checked(string? replacement, string database, int pageSize)
    {
        using var xp = new XpInstance(replacement);
        var path = xp.PathOf(database);
        var grown = SyntheticDatabase.Grow(path, 48L << 20, seed: 7);
        Assert.That(grown, Is.EqualTo(48L << 20));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(48L << 20));

        var model = xp.Open(new EngineModelOptions { RecordCalls = false });
        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, path, 64 * pageSize);
        Assert.That(stream, Has.Length.EqualTo((48L << 20) + pageSize));
        var source = File.ReadAllBytes(path);
        Assert.That(stream.AsSpan(2 * pageSize, source.Length - (2 * pageSize)).SequenceEqual(source.AsSpan(2 * pageSize)), Is.True);
        Assert.That(model.Calls, Is.Empty, "call recording off");
        model.EndExternalBackup(EndBackupGrbits.Abort);
    }
}
