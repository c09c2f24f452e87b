using ExternalBackup.Engine;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Manifest;
using ExternalBackup.Testing.EngineModel;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>The engine behaviours an audit against ese-backup-api.md §5 found the model did not follow (issue 16).</summary>
public class EngineModelFidelityTests
{
    private const string EccDatabase = "dissect-synthetic/basic.edb";

    /// <summary>The first data page of <paramref name="path"/> that holds data and verifies.</summary>
    private static uint FirstGoodDataPage(string path, int pageSize)
    {
        var bytes = File.ReadAllBytes(path);
        for (uint pgno = 1; (pgno + 2) * pageSize <= bytes.Length; pgno++)
        {
            if (PageChecksum.VerifyPage(bytes.AsSpan((int)((pgno + 1) * pageSize), pageSize), pgno).Status == PageChecksumStatus.Ok)
            {
                return pgno;
            }
        }

        throw new AssertionException($"{path}: no data page verifies");
    }

    private static void EditHeader(string path, Action<DatabaseHeader> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var pageSize = DatabaseHeader.Parse(bytes).PageSize;
        var page = bytes.AsSpan(0, pageSize).ToArray();
        var header = DatabaseHeader.Parse(page);
        edit(header);
        header.ToArray().CopyTo(page, 0);
        PageChecksum.WriteHeader(page);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Write(page);
        stream.Write(page);
    }

    private static DatabaseHeader Header(string path) => DatabaseHeader.Parse(File.ReadAllBytes(path));

    [Test]
    public void A_single_bit_error_on_an_ECC_page_is_corrected_and_the_read_goes_on()
    {
        using var xp = new XpInstance(EccDatabase);
        var path = xp.PathOf("basic.edb");
        const int pageSize = 4096;
        var pgno = FirstGoodDataPage(path, pageSize);
        var good = File.ReadAllBytes(path);
        var offset = ((pgno + 1) * pageSize) + 1000;
        var damaged = good.ToArray();
        damaged[offset] ^= 0x10;
        File.WriteAllBytes(path, damaged);

        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, path, 8 * pageSize);
        Assert.That(stream.AsSpan(2 * pageSize, good.Length - (2 * pageSize)).SequenceEqual(good.AsSpan(2 * pageSize)), Is.True,
            "the engine delivers the corrected page");
        Assert.That(model.Calls.Where(c => c.Call == EngineCall.ReadFile).Select(c => c.Result), Is.All.EqualTo(JetError.Success));

        var log = model.GetLogInfo().Files.Single();
        ReadWhole(model, log);
        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.History.Single().Databases, Is.EqualTo(new[] { "basic.edb" }), "the corrected database is backed up");
    }

    [Test]
    public void Injected_single_bit_damage_is_corrected_on_ECC_pages_and_fails_legacy_pages()
    {
        using (var ecc = new XpInstance(EccDatabase))
        {
            var path = ecc.PathOf("basic.edb");
            var pgno = FirstGoodDataPage(path, 4096);
            var model = ecc.Open(new EngineModelOptions { Faults = new EngineFaults().DamagePage("basic.edb", pgno, PageDamage.SingleBit) });
            model.BeginExternalBackup(BackupGrbits.None);
            var stream = ReadWhole(model, path, 8 * 4096);
            var source = File.ReadAllBytes(path);
            Assert.That(stream.AsSpan(2 * 4096, source.Length - 8192).SequenceEqual(source.AsSpan(8192)), Is.True);
        }

        using var xp = new XpInstance();
        var small = xp.PathOf(SmallDb);
        var legacy = FirstGoodDataPage(small, 4096);
        var legacyModel = xp.Open(new EngineModelOptions { Faults = new EngineFaults().DamagePage(SmallDb, legacy, PageDamage.SingleBit) });
        legacyModel.BeginExternalBackup(BackupGrbits.None);
        var e = Assert.Throws<EseException>(() => ReadWhole(legacyModel, small))!;
        Assert.That(e.Error, Is.EqualTo(JetError.ReadVerifyFailure), "a legacy XOR page has no ECC to correct it");
    }

    [Test]
    public void A_page_holding_another_pages_data_is_ReadPgnoVerifyFailure_and_drops_only_that_database()
    {
        using var xp = new XpInstance();
        var small = xp.PathOf(SmallDb);
        var bytes = File.ReadAllBytes(small);
        var pgno = FirstGoodDataPage(small, 4096);
        // A misdirected write: page pgno + 1's intact data lands on page pgno.
        var source = bytes.AsSpan((int)((pgno + 2) * 4096), 4096).ToArray();
        PageChecksum.WritePage(source, pgno + 1, eccFormat: PageChecksum.HasEccFormat(source));
        source.CopyTo(bytes, (pgno + 1) * 4096);
        File.WriteAllBytes(small, bytes);

        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var e = Assert.Throws<EseException>(() => ReadWhole(model, small))!;
        Assert.That(e.Error, Is.EqualTo(JetError.ReadPgnoVerifyFailure), e.Message);
        Assert.That(e.Message, Does.Contain($"page {pgno} "));
        Assert.That(model.IsBackupInProgress, Is.True, "a database-phase error drops only that database");
        ReadWhole(model, xp.PathOf(LargeDb));
        ReadWhole(model, model.GetLogInfo().Files.Single());
        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.History.Single().Databases, Is.EqualTo(new[] { Path.GetRelativePath(xp.Folder, xp.PathOf(LargeDb)) }));
    }

    [TestCase(PageDamage.WrongPageNumber, JetError.ReadPgnoVerifyFailure)]
    [TestCase(PageDamage.LostFlush, JetError.ReadLostFlushVerifyFailure)]
    [TestCase(PageDamage.Checksum, JetError.ReadVerifyFailure)]
    public void Injected_page_damage_gives_the_engines_code(PageDamage damage, JetError error)
    {
        using var xp = new XpInstance(EccDatabase);
        var path = xp.PathOf("basic.edb");
        var pgno = FirstGoodDataPage(path, 4096);
        var model = xp.Open(new EngineModelOptions { Faults = new EngineFaults().DamagePage("basic.edb", pgno, damage) });
        model.BeginExternalBackup(BackupGrbits.None);
        var e = Assert.Throws<EseException>(() => ReadWhole(model, path))!;
        Assert.That(e.Error, Is.EqualTo(error), e.Message);
        Assert.That(e.Message, Does.Contain($"page {pgno} "));
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void A_log_damaged_past_its_header_is_LogReadVerifyFailure_and_ends_the_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        BeginAndCopyDatabases(model);
        var log = model.GetLogInfo().Files.Single();
        var bytes = File.ReadAllBytes(log);
        // The first byte past the header whose change the log's own checksums catch (a record the LRCHECKSUM chain
        // covers); the header's checksum and generation stay right, so a header-only check passes it.
        var at = Enumerable.Range(LogFileHeader.Size, bytes.Length - LogFileHeader.Size).First(i =>
        {
            var copy = bytes.ToArray();
            copy[i] ^= 0xFF;
            var verifier = new LogFileVerifier(log);
            verifier.Append(copy);
            return !verifier.Complete().Ok;
        });
        bytes[at] ^= 0xFF;
        File.WriteAllBytes(log, bytes);

        var handle = model.OpenFile(log);
        using var buffer = new AlignedBuffer(8192);
        var e = Assert.Throws<EseException>(() =>
        {
            while (model.ReadFile(handle, buffer.Span) > 0)
            {
            }
        })!;
        Assert.That(e.Error, Is.EqualTo(JetError.LogReadVerifyFailure), e.Message);
        Assert.That(e.Message, Does.Contain(log));
        Assert.That(model.IsBackupInProgress, Is.False, "a log-phase error ends the backup");
        ExpectError(JetError.NoBackup, model.TruncateLog);
    }

    [Test]
    public void By_default_the_checkpoint_lags_the_roll_so_the_generation_copied_last_stays_and_the_next_incremental_copies_it_again()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        Backup(model, incremental: false, truncate: true, out var full);
        Assert.That(full.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        Assert.That(model.CheckpointGeneration, Is.EqualTo(131u), "the checkpoint did not move with the roll");
        Assert.That(File.Exists(model.LogPath(131)), Is.True, "truncation stops below the checkpoint generation (§5.8)");
        Assert.That(File.Exists(model.LogPath(130)), Is.False);

        Backup(model, incremental: true, truncate: true, out var incremental);
        Assert.That(incremental.Info, Is.EqualTo(new JetLogInfo(131, 132, "edb")), "the next incremental overlaps the full by generation 131");
    }

    [Test]
    public void CheckpointFollowsRoll_on_moves_the_checkpoint_to_the_new_generation()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions { CheckpointFollowsRoll = true });
        Backup(model, incremental: false, truncate: true, out _);
        Assert.That(model.CheckpointGeneration, Is.EqualTo(132u));
        Assert.That(File.Exists(model.LogPath(131)), Is.False);
        Backup(model, incremental: true, truncate: true, out var incremental);
        Assert.That(incremental.Info, Is.EqualTo(new JetLogInfo(132, 132, "edb")));
    }

    [Test]
    public void Attach_info_leaves_out_databases_attached_for_recovery_or_without_recovery()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions
        {
            Attachments = new Dictionary<string, DatabaseAttachment> { [SmallDb] = DatabaseAttachment.ForRecovery, [LargeDb] = DatabaseAttachment.RecoveryOff },
        });
        Assert.That(model.Databases, Has.Count.EqualTo(2), "both are attached");
        model.BeginExternalBackup(BackupGrbits.None);
        Assert.That(model.GetAttachInfo(), Is.Empty);
        ExpectError(JetError.DatabaseAttachedForRecovery, () => model.OpenFile(xp.PathOf(SmallDb)));
        Assert.That(model.IsBackupInProgress, Is.True, "a database-phase error; the backup goes on");

        // A database attached without recovery can be streamed, but gets no header update (only logged ones do).
        var before = File.ReadAllBytes(xp.PathOf(LargeDb)).AsSpan(0, 4096).ToArray();
        ReadWhole(model, xp.PathOf(LargeDb));
        ReadWhole(model, model.GetLogInfo().Files.Single());
        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(File.ReadAllBytes(xp.PathOf(LargeDb)).AsSpan(0, 4096).ToArray(), Is.EqualTo(before));
        Assert.That(model.History.Single().Databases, Is.Empty);

        var reopened = xp.Open();
        reopened.BeginExternalBackup(BackupGrbits.None);
        Assert.That(reopened.GetAttachInfo(), Is.Empty, "the attachments are kept in the state file");
        reopened.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void A_normal_end_of_an_incremental_without_log_info_updates_the_headers_as_the_engine_does()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        Backup(model, incremental: false, truncate: true, out _);
        model.BeginExternalBackup(BackupGrbits.Incremental);
        model.EndExternalBackup(EndBackupGrbits.Normal);

        // §5.9: only StopBackup or the Databases status downgrade a normal end; an incremental is in the log phase
        // from Begin, so DiffPrev gets the engine's fields as they are: genLow = copyMic = 0, genHigh = copyMac - 1.
        var diff = Header(xp.PathOf(SmallDb)).PreviousDifferentialBackup;
        Assert.That((diff.GenLow, diff.GenHigh), Is.EqualTo((0u, uint.MaxValue)));
        Assert.That(model.History.Last().Kind, Is.EqualTo(BackupKind.Differential));
        Assert.That(model.IsBackupInProgress, Is.False);
    }

    [Test]
    public void NoDbHeaderUpdate_ends_normally_without_touching_a_header()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var before = File.ReadAllBytes(xp.PathOf(SmallDb)).AsSpan(0, 8192).ToArray();
        BeginAndCopyDatabases(model);
        ReadWhole(model, model.GetLogInfo().Files.Single());
        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal | EndBackupGrbits.NoDbHeaderUpdate);
        Assert.That(File.ReadAllBytes(xp.PathOf(SmallDb)).AsSpan(0, 8192).ToArray(), Is.EqualTo(before));
        Assert.That(model.IsBackupInProgress, Is.False);
        Assert.That(model.History.Single().Databases, Is.Empty);
    }

    [Test]
    public void A_stored_mark_newer_than_the_backups_is_kept()
    {
        using var xp = new XpInstance();
        var newer = new BackupInfo(new LogPosition(0x7000, 1, 0), default, 0x6FFF, 0x7000);
        EditHeader(xp.PathOf(SmallDb), h =>
        {
            h.PreviousFullBackup = newer;
            h.PreviousFullBackupType = BackupInfoType.Normal;
        });
        var model = xp.Open();
        Backup(model, incremental: false, truncate: true, out _);
        Assert.That(Header(xp.PathOf(SmallDb)).PreviousFullBackup, Is.EqualTo(newer), "§5.9: updated only if the stored mark <= the new mark");
        Assert.That(Header(xp.PathOf(LargeDb)).PreviousFullBackup.GenLow, Is.EqualTo(131u), "the other database is updated");
        Assert.That(model.History.Single().Databases, Is.EqualTo(new[] { Path.GetRelativePath(xp.Folder, xp.PathOf(LargeDb)) }));
    }

    [Test]
    public void Begins_checks_run_in_the_engines_order_and_the_first_matching_one_wins()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);

        // Every condition of §8's Begin row holds at once (a backup is running); each is cleared after it won.
        model.CircularLogging = true;
        model.Condition = InstanceCondition.BackupNotAllowedYet;
        model.LoggingEnabled = false;
        model.LogWriteFailed = true;
        model.LogDiskFull = true;
        var grbits = BackupGrbits.Incremental | BackupGrbits.Atomic;

        var order = new (JetError Error, Action Clear)[]
        {
            (JetError.BackupNotAllowedYet, () => model.Condition = InstanceCondition.Running),
            (JetError.LoggingDisabled, () => model.LoggingEnabled = true),
            (JetError.LogWriteFail, () => model.LogWriteFailed = false),
            (JetError.InvalidGrbit, () => grbits = BackupGrbits.Incremental),
            (JetError.InvalidBackup, () => model.CircularLogging = false),
            (JetError.LogDiskFull, () => model.LogDiskFull = false),
            (JetError.BackupInProgress, () => model.EndExternalBackup(EndBackupGrbits.Abort)),
            (JetError.MissingFullBackup, () => { }),
        };
        foreach (var (error, clear) in order)
        {
            ExpectError(error, () => model.BeginExternalBackup(grbits));
            Assert.That(model.Calls[^1].Result, Is.EqualTo(error));
            clear();
        }
    }

    [Test]
    public void The_file_handle_is_0_by_default_and_another_value_when_asked()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        Assert.That(handle.Handle, Is.EqualTo((nint)0), "§5.1: the slot index");
        model.CloseFile(handle);
        model.EndExternalBackup(EndBackupGrbits.Abort);

        // Shipped esent.dll may return another value (UNCONFIRMED): a caller must pass back what it was given.
        var other = xp.Open(new EngineModelOptions { FileHandle = 0x1234 });
        other.BeginExternalBackup(BackupGrbits.None);
        var given = other.OpenFile(xp.PathOf(SmallDb));
        Assert.That(given.Handle, Is.EqualTo((nint)0x1234));
        ExpectError(JetError.InvalidParameter, () => other.CloseFile(given with { Handle = 0 }));
        other.CloseFile(given);
        other.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void A_full_backups_mark_is_the_log_tip_at_Begin()
    {
        using var xp = new XpInstance();
        var current = File.ReadAllBytes(xp.PathOf("edb.log"));
        var verifier = new LogFileVerifier("edb.log");
        verifier.Append(current);
        var result = verifier.Complete();
        var header = result.Header!;
        Assert.That(result.RecordsEnd, Is.GreaterThan((long)header.HeaderSectors * header.SectorSize), "the corpus log holds records");

        var model = xp.Open();
        Backup(model, incremental: false, truncate: true, out _);

        // §5.3: the Begin record goes at the tip; its position is the mark in the trailer and in bkinfoFullPrev.
        var mark = Header(xp.PathOf(SmallDb)).PreviousFullBackup.Mark;
        Assert.That(mark, Is.EqualTo(new LogPosition(131, (ushort)(result.RecordsEnd / header.SectorSize), (ushort)(result.RecordsEnd % header.SectorSize))));
    }
}
