using System.Buffers.Binary;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>The whole backup sequence per kind on a scratch copy of the XP CatRoot2 instance.</summary>
public class EngineModelSequenceTests
{
    private static (uint GenLow, uint GenHigh, uint MarkGen) Bkinfo(string db, int offset)
    {
        var header = File.ReadAllBytes(db).AsSpan(0, 4096);
        return (BinaryPrimitives.ReadUInt32LittleEndian(header[(offset + 16)..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[(offset + 20)..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[(offset + 4)..]));
    }

    private static void AssertHeadersSealed(string db)
    {
        var bytes = File.ReadAllBytes(db);
        Assert.That(bytes.AsSpan(0, 4096).SequenceEqual(bytes.AsSpan(4096, 4096)), Is.True, $"{db}: primary and shadow header differ");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes), Is.EqualTo(XorChecksum(bytes.AsSpan(0, 4096))), $"{db}: header checksum");
    }

    internal static uint XorChecksum(ReadOnlySpan<byte> page)
    {
        var c = 0x89ABCDEFu;
        for (var i = 4; i < page.Length; i += 4)
        {
            c ^= BinaryPrimitives.ReadUInt32LittleEndian(page[i..]);
        }

        return c;
    }

    private static string[] LogNames(string folder) =>
        Directory.GetFiles(folder, "edb*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Test]
    public void Full_backup_copies_checkpoint_generation_rolls_the_log_truncates_and_records_FullPrev()
    {
        using var xp = new XpInstance();
        var model = xp.Open(XpInstance.CheckpointFollowsRoll);
        Assert.That(model.CheckpointGeneration, Is.EqualTo(131u));
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(131u));

        var files = XpInstance.Backup(model, incremental: false, truncate: true, out var logInfo);

        // copyMic = checkpoint generation at Begin (131); the roll archives 131 as edb00083.log; genHigh = 132 - 1.
        Assert.That(logInfo.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        Assert.That(logInfo.Files, Is.EqualTo(new[] { xp.PathOf("edb00083.log") }));
        Assert.That(files.Keys, Is.EquivalentTo(new[] { xp.PathOf(XpInstance.SmallDb), xp.PathOf(XpInstance.LargeDb), xp.PathOf("edb00083.log") }));
        Assert.That(files[xp.PathOf("edb00083.log")], Is.EqualTo(File.ReadAllBytes(Path.Combine(TestPaths.CorpusFile(XpInstance.Set), "edb.log"))));

        // Truncation deleted [126, 132): every archived log; the new current log is generation 132.
        Assert.That(LogNames(xp.Folder), Is.EqualTo(new[] { "edb.log" }));
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(132u));
        Assert.That(model.CheckpointGeneration, Is.EqualTo(132u));
        Assert.That(File.Exists(xp.PathOf("res1.log")) && File.Exists(xp.PathOf("res2.log")), Is.True, "reserve logs are not archived logs");

        foreach (var db in new[] { XpInstance.SmallDb, XpInstance.LargeDb })
        {
            Assert.That(Bkinfo(xp.PathOf(db), 136), Is.EqualTo((131u, 131u, 131u)), $"{db} bkinfoFullPrev");
            Assert.That(Bkinfo(xp.PathOf(db), 420), Is.EqualTo((0u, 0u, 0u)), $"{db} bkinfoCopyPrev");
            AssertHeadersSealed(xp.PathOf(db));
        }

        Assert.That(model.History.Single().Kind, Is.EqualTo(BackupKind.Full));
        Assert.That(File.Exists(Path.Combine(xp.Folder, EngineModel.StateFileName)), Is.True);
    }

    [Test]
    public void Copy_backup_records_CopyPrev_and_deletes_nothing()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        XpInstance.Backup(model, incremental: false, truncate: false, out var logInfo);

        Assert.That(logInfo.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        Assert.That(LogNames(xp.Folder), Is.EqualTo(new[] { "edb.log", "edb0007E.log", "edb0007F.log", "edb00080.log", "edb00081.log", "edb00082.log", "edb00083.log" }));
        foreach (var db in new[] { XpInstance.SmallDb, XpInstance.LargeDb })
        {
            Assert.That(Bkinfo(xp.PathOf(db), 420), Is.EqualTo((131u, 131u, 131u)), $"{db} bkinfoCopyPrev");
            Assert.That(Bkinfo(xp.PathOf(db), 136), Is.EqualTo((0u, 0u, 0u)), $"{db} bkinfoFullPrev");
            AssertHeadersSealed(xp.PathOf(db));
        }

        Assert.That(model.History.Single().Kind, Is.EqualTo(BackupKind.Copy));
    }

    [Test]
    public void Incremental_chain_across_processes_has_contiguous_generations_and_records_IncPrev()
    {
        using var xp = new XpInstance();
        XpInstance.Backup(xp.Open(XpInstance.CheckpointFollowsRoll), incremental: false, truncate: true, out var full);

        // A new model on the same folder stands for a second process: it reads the headers and the state file.
        var second = xp.Open();
        var files1 = XpInstance.Backup(second, incremental: true, truncate: true, out var inc1);
        var files2 = XpInstance.Backup(xp.Open(), incremental: true, truncate: true, out var inc2);

        Assert.That(full.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        Assert.That(inc1.Info, Is.EqualTo(new JetLogInfo(132, 132, "edb")));
        Assert.That(inc2.Info, Is.EqualTo(new JetLogInfo(133, 133, "edb")));
        Assert.That(files1.Keys, Is.EqualTo(new[] { xp.PathOf("edb00084.log") }), "an incremental copies only logs");
        Assert.That(files2.Keys, Is.EqualTo(new[] { xp.PathOf("edb00085.log") }));
        Assert.That(LogNames(xp.Folder), Is.EqualTo(new[] { "edb.log" }));

        foreach (var db in new[] { XpInstance.SmallDb, XpInstance.LargeDb })
        {
            Assert.That(Bkinfo(xp.PathOf(db), 136), Is.EqualTo((131u, 131u, 131u)), $"{db} bkinfoFullPrev kept");
            Assert.That(Bkinfo(xp.PathOf(db), 160), Is.EqualTo((133u, 133u, 134u)), $"{db} bkinfoIncPrev (mark = the PrepareLogs position in the new generation)");
            AssertHeadersSealed(xp.PathOf(db));
        }

        Assert.That(xp.Open().History.Select(h => (h.Kind, h.GenLow, h.GenHigh)), Is.EqualTo(new[]
        {
            (BackupKind.Full, 131u, 131u), (BackupKind.Incremental, 132u, 132u), (BackupKind.Incremental, 133u, 133u),
        }));
    }

    [Test]
    public void Differential_copies_logs_since_the_full_backup_and_records_DiffPrev()
    {
        using var xp = new XpInstance();
        XpInstance.Backup(xp.Open(XpInstance.CheckpointFollowsRoll), incremental: false, truncate: true, out _);
        XpInstance.Backup(xp.Open(), incremental: true, truncate: false, out var diff1);
        XpInstance.Backup(xp.Open(), incremental: true, truncate: false, out var diff2);

        Assert.That(diff1.Info, Is.EqualTo(new JetLogInfo(132, 132, "edb")));
        Assert.That(diff2.Info, Is.EqualTo(new JetLogInfo(132, 133, "edb")), "a differential starts at the lowest log on disk");
        Assert.That(LogNames(xp.Folder), Is.EqualTo(new[] { "edb.log", "edb00084.log", "edb00085.log" }));
        foreach (var db in new[] { XpInstance.SmallDb, XpInstance.LargeDb })
        {
            Assert.That(Bkinfo(xp.PathOf(db), 444), Is.EqualTo((132u, 133u, 134u)), $"{db} bkinfoDiffPrev");
            Assert.That(Bkinfo(xp.PathOf(db), 160), Is.EqualTo((0u, 0u, 0u)), $"{db} bkinfoIncPrev");
        }

        Assert.That(xp.Open().History.Select(h => h.Kind), Is.EqualTo(new[] { BackupKind.Full, BackupKind.Differential, BackupKind.Differential }));
    }

    [Test]
    public void A_new_full_backup_clears_IncPrev_and_DiffPrev()
    {
        using var xp = new XpInstance();
        XpInstance.Backup(xp.Open(XpInstance.CheckpointFollowsRoll), incremental: false, truncate: true, out _);
        XpInstance.Backup(xp.Open(), incremental: true, truncate: true, out _);
        XpInstance.Backup(xp.Open(), incremental: true, truncate: false, out _);
        XpInstance.Backup(xp.Open(), incremental: false, truncate: true, out var full2);

        Assert.That(full2.Info, Is.EqualTo(new JetLogInfo(134, 134, "edb")));
        foreach (var db in new[] { XpInstance.SmallDb, XpInstance.LargeDb })
        {
            Assert.That(Bkinfo(xp.PathOf(db), 136), Is.EqualTo((134u, 134u, 134u)));
            Assert.That(Bkinfo(xp.PathOf(db), 160), Is.EqualTo((0u, 0u, 0u)));
            Assert.That(Bkinfo(xp.PathOf(db), 444), Is.EqualTo((0u, 0u, 0u)));
        }
    }

    [Test]
    public void With_a_checkpoint_that_does_not_move_truncation_stops_below_it()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions { CheckpointFollowsRoll = false });
        XpInstance.Backup(model, incremental: false, truncate: true, out var logInfo);

        Assert.That(logInfo.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        Assert.That(model.CheckpointGeneration, Is.EqualTo(131u));
        Assert.That(LogNames(xp.Folder), Is.EqualTo(new[] { "edb.log", "edb00083.log" }), "deleteMac = min(checkpoint 131, copyMac 132)");
    }

    [Test]
    public void End_with_TruncateDone_records_a_full_backup_without_deleting()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        foreach (var db in model.GetAttachInfo())
        {
            XpInstance.ReadWhole(model, db);
        }

        foreach (var log in model.GetLogInfo().Files)
        {
            XpInstance.ReadWhole(model, log);
        }

        model.EndExternalBackup(EndBackupGrbits.Normal | EndBackupGrbits.TruncateDone);
        Assert.That(Bkinfo(xp.PathOf(XpInstance.SmallDb), 136).GenLow, Is.EqualTo(131u));
        Assert.That(LogNames(xp.Folder), Has.Length.EqualTo(7));
    }

    [Test]
    public void GetTruncateLogInfo_lists_the_delete_range_once_every_database_was_copied()
    {
        using var xp = new XpInstance();
        var model = xp.Open(XpInstance.CheckpointFollowsRoll);
        model.BeginExternalBackup(BackupGrbits.None);
        foreach (var db in model.GetAttachInfo())
        {
            XpInstance.ReadWhole(model, db);
        }

        var truncate = model.GetTruncateLogInfo();
        Assert.That(truncate.Select(Path.GetFileName), Is.EqualTo(new[] { "edb0007E.log", "edb0007F.log", "edb00080.log", "edb00081.log", "edb00082.log", "edb00083.log" }),
            "[lowest on disk 126, min(checkpoint 132, copyMac 132))");
        model.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void GetTruncateLogInfo_keeps_the_logs_of_a_database_left_out_of_a_full_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        XpInstance.ReadWhole(model, xp.PathOf(XpInstance.SmallDb));

        // The other database has no previous full backup (bkinfoFullPrev.genHigh = 0): deleteMac drops to 0.
        Assert.That(model.GetTruncateLogInfo(), Is.Empty);
        model.EndExternalBackup(EndBackupGrbits.Abort);
    }
}
