using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>Headers read from real files serialise back to the same bytes (checksum included), and edits round-trip.</summary>
public class HeaderRoundTripTests
{
    [TestCase("dissect-synthetic/basic.edb")]
    [TestCase("dissect-synthetic/large.edb")]
    [TestCase("ual-hyperv-dirty/Current.mdb")]
    [TestCase("win11-secedit/secedit.sdb")]
    [TestCase("xp-catroot2-logset/{127D0A1D-4EF2-11D1-8608-00C04FC295EE}/catdb")]
    public void Database_header_page_round_trips(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile(file));
        var read = DatabaseHeaderReader.Read(bytes);
        Assert.That(read.Header, Is.Not.Null);
        Assert.That(read.Header!.ToPage(), Is.EqualTo(bytes.AsSpan(0, read.PageSize).ToArray()));
    }

    [Test]
    public void Backup_records_can_be_updated_and_written_with_a_valid_checksum()
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile("dissect-synthetic/basic.edb"));
        var h = DatabaseHeaderReader.Read(bytes).Header!;
        var mark = new BackupInfo(new LogPosition(9, 2, 16), LogTime.FromDateTime(new DateTime(2025, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc), reservedFlag: true), 3, 9);
        h.PreviousFullBackup = mark;
        h.PreviousIncrementalBackup = mark with { GenLow = 10, GenHigh = 11 };
        h.PreviousCopyBackup = mark with { GenLow = 12 };
        h.PreviousDifferentialBackup = mark with { GenLow = 13 };
        h.CurrentFullBackup = mark with { GenHigh = 0 };
        h.CurrentSnapshotBackup = mark with { GenLow = 14 };
        h.PreviousFullBackupType = BackupInfoType.OsSnapshot;
        var page = h.ToPage();
        Array.Copy(page, bytes, page.Length);
        Array.Copy(page, 0, bytes, page.Length, page.Length);
        var again = DatabaseHeaderReader.Read(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(again.Status, Is.EqualTo(HeaderCopyStatus.BothValid));
            Assert.That(again.Header!.PreviousFullBackup, Is.EqualTo(mark));
            Assert.That(again.Header.PreviousFullBackup.MarkTime.Millisecond, Is.EqualTo(123));
            Assert.That(again.Header.PreviousFullBackup.MarkTime.ReservedFlag, Is.True);
            Assert.That(again.Header.PreviousIncrementalBackup.GenLow, Is.EqualTo(10u));
            Assert.That(again.Header.PreviousCopyBackup.GenLow, Is.EqualTo(12u));
            Assert.That(again.Header.PreviousDifferentialBackup.GenLow, Is.EqualTo(13u));
            Assert.That(again.Header.CurrentSnapshotBackup.GenLow, Is.EqualTo(14u));
            Assert.That(again.Header.NeedsTrailerPatch, Is.True);
            Assert.That(again.Header.PreviousFullBackupType, Is.EqualTo(BackupInfoType.OsSnapshot));
            Assert.That(again.Header.LogSignature.ShortHex, Is.EqualTo("08999d81"));
            Assert.That(again.Header.ConsistentPosition, Is.EqualTo(new LogPosition(1, 22, 0)));
        });
    }

    [TestCase("xp-catroot2-logset/edb0007E.log")]
    [TestCase("xp-catroot2-logset/edb.log")]
    [TestCase("win10-secedit-logs/edb.log")]
    public void Log_header_round_trips(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile(file));
        Assert.That(LogFileHeader.Verify(bytes.AsSpan(0, 4096), bytes.Length), Is.Null);
        Assert.That(LogFileHeader.Parse(bytes).ToBytes(), Is.EqualTo(bytes.AsSpan(0, 4096).ToArray()));
    }

    [Test]
    public void Next_generation_header_chains_to_the_previous()
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile("win10-secedit-logs/edb.log"));
        var h = LogFileHeader.Parse(bytes);
        var created = LogTime.FromDateTime(new DateTime(2025, 9, 9, 11, 9, 0, DateTimeKind.Utc));
        var next = h.CreateNext(created, 0x1234, new LogPosition(1, 8, 0));
        var nextBytes = next.ToBytes();
        Assert.Multiple(() =>
        {
            Assert.That(LogFileHeader.Verify(nextBytes), Is.Null);
            Assert.That(next.Generation, Is.EqualTo(2));
            Assert.That(next.PreviousGenerationTime, Is.EqualTo(h.CreateTime));
            Assert.That(next.CreateTime, Is.EqualTo(created));
            Assert.That(next.LogSignature, Is.EqualTo(h.LogSignature));
            Assert.That(next.PreviousLogSegmentChecksum, Is.EqualTo(0x1234UL));
            Assert.That(LogFileName.Format("edb", next.Generation), Is.EqualTo("edb00002.log"));
            Assert.That(LogFileName.Format("E00", 0x2C, eightDigits: true), Is.EqualTo("E000000002C.log"));
        });
    }

    [TestCase("xp-catroot2-logset/edb.chk")]
    [TestCase("win10-secedit-logs/edb.chk")]
    public void Checkpoint_round_trips(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile(file));
        var read = CheckpointReader.Read(bytes);
        Assert.That(read.Status, Is.EqualTo(HeaderCopyStatus.BothValid));
        Assert.That(read.Header!.ToFileBytes(), Is.EqualTo(bytes));
    }

    [TestCase("edb00001.log", LogFileKind.Archived, 1, "edb")]
    [TestCase("edb0007E.log", LogFileKind.Archived, 0x7E, "edb")]
    [TestCase("E000000002C.log", LogFileKind.Archived, 0x2C, "E00")]
    [TestCase("E01000001F0.jtx", LogFileKind.Archived, 0x1F0, "E01")]
    [TestCase("edb.log", LogFileKind.Current, null, "edb")]
    [TestCase("E00.jtx", LogFileKind.Current, null, "E00")]
    [TestCase("edbtmp.log", LogFileKind.Temporary, null, "edb")]
    [TestCase("edbres00001.jrs", LogFileKind.Reserve, null, "edb")]
    [TestCase("res1.log", LogFileKind.Reserve, null, "")]
    [TestCase("edb.chk", LogFileKind.Checkpoint, null, "edb")]
    [TestCase("E00.jcp", LogFileKind.Checkpoint, null, "E00")]
    public void Log_folder_names_are_recognised(string name, LogFileKind kind, int? generation, string baseName)
    {
        var parsed = LogFileName.TryParse(name);
        Assert.That(parsed, Is.EqualTo(new LogFileName(baseName, kind, generation, Path.GetExtension(name))));
    }

    [TestCase("secedit.sdb")]
    [TestCase("edb0007.log")]
    [TestCase("notes.txt")]
    public void Other_names_are_not_log_folder_names(string name) => Assert.That(LogFileName.TryParse(name), Is.Null);
}
