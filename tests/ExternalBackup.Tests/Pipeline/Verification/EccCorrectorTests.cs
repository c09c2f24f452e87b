using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;
using ExternalBackup.Tests.Common;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Pipeline.Verification;

/// <summary>
/// ESE corrects single-bit errors on read; the copy does the same: the set stores the corrected database page or log
/// segment and the manifest records each correction (file, page, offset, bit).
/// </summary>
public sealed class EccCorrectorTests
{
    private const int Page = 5;
    private const int Segment = 3;
    private ScratchDirectory _scratch = null!;
    private string _folder = null!;

    [SetUp]
    public async Task SetUp()
    {
        _scratch = new ScratchDirectory("ecc");
        _folder = await SyntheticSourceFolder.WriteAsync(_scratch.Sub("snapshot"), "basic.edb");
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private static long FlipBit(string path, long offset, int bit)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= (byte)(1 << bit);
        File.WriteAllBytes(path, bytes);
        return offset;
    }

    [Test]
    public async Task ASingleBitErrorInADatabasePageAndInALogSegmentIsCorrectedInTheCopyAndRecorded()
    {
        var database = Path.Combine(_folder, "basic.edb");
        var log = Path.Combine(_folder, "edb00002.log");
        var goodDatabase = File.ReadAllBytes(database);
        var goodLog = File.ReadAllBytes(log);
        var pageOffset = FlipBit(database, ((Page + 1L) * SyntheticSourceFolder.PageSize) + 1000, 3);
        var segmentOffset = FlipBit(log, (Segment * 4096L) + 2000, 6);
        var destination = _scratch.Sub("backups");
        BackupManifest manifest;
        await using (var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true }))
        {
            manifest = await new FrozenFolderBackup(new FrozenFolderSource()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "ecc");
        }

        byte[] Stored(string path) => File.ReadAllBytes(Path.Combine(destination, "ecc", path));

        Assert.Multiple(() =>
        {
            Assert.That(manifest.EccCorrections, Is.EqualTo(new[]
            {
                new EccCorrection("databases/basic.edb", Page, pageOffset, 3),
                new EccCorrection("logs/edb00002.log", Segment, segmentOffset, 6),
            }));
            Assert.That(Stored("databases/basic.edb"), Is.EqualTo(goodDatabase), "the stored page is the corrected one");
            Assert.That(Stored("logs/edb00002.log"), Is.EqualTo(goodLog), "the stored segment is the corrected one");
        });
    }

    [Test]
    public void TwoFlippedBitsInOnePageAreNotCorrectableAndFailTheBackupNamingThePage()
    {
        var database = Path.Combine(_folder, "basic.edb");
        FlipBit(database, ((Page + 1L) * SyntheticSourceFolder.PageSize) + 1000, 3);
        FlipBit(database, ((Page + 1L) * SyntheticSourceFolder.PageSize) + 3000, 1);

        var e = Assert.ThrowsAsync<ExternalBackup.Pipeline.BackupVerificationException>(() => new FrozenFolderBackup(new FrozenFolderSource()).RunAsync(FrozenFolderLayout.Single(_folder), new ExternalBackup.Sinks.NullSink(), BackupKind.Full, "ecc"));

        Assert.That(e!.File, Is.EqualTo(database));
        Assert.That(e.Message, Does.Contain($"page {Page} failed verification"));
    }
}
