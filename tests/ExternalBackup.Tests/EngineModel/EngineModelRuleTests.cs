using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>The engine's rules (ese-backup-api.md §5, §8), one by one.</summary>
public class EngineModelRuleTests
{
    [TestCase(InstanceCondition.NotInitialized, JetError.NotInitialized)]
    [TestCase(InstanceCondition.InitInProgress, JetError.NotInitialized)]
    [TestCase(InstanceCondition.BackupNotAllowedYet, JetError.BackupNotAllowedYet)]
    [TestCase(InstanceCondition.TermInProgress, JetError.TermInProgress)]
    [TestCase(InstanceCondition.RestoreInProgress, JetError.RestoreInProgress)]
    [TestCase(InstanceCondition.Unavailable, JetError.InstanceUnavailable)]
    [TestCase(InstanceCondition.UnavailableDueToFatalLogDiskFull, JetError.InstanceUnavailableDueToFatalLogDiskFull)]
    [TestCase(InstanceCondition.StopServiceRequested, JetError.ClientRequestToStopJetService)]
    public void Gate_conditions_fail_Begin_with_their_code(InstanceCondition condition, JetError error)
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.Condition = condition;
        ExpectError(error, () => model.BeginExternalBackup(BackupGrbits.None));
        Assert.That(model.IsBackupInProgress, Is.False);

        model.Condition = InstanceCondition.Running;
        model.BeginExternalBackup(BackupGrbits.None);
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Gate_applies_to_calls_during_a_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        model.Condition = InstanceCondition.TermInProgress;
        ExpectError(JetError.TermInProgress, () => model.GetAttachInfo());
        model.Condition = InstanceCondition.Running;
        Assert.That(model.GetAttachInfo(), Has.Count.EqualTo(2));
    }

    [Test]
    public void Logging_states_fail_Begin()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.LoggingEnabled = false;
        ExpectError(JetError.LoggingDisabled, () => model.BeginExternalBackup(BackupGrbits.None));
        model.LoggingEnabled = true;
        model.LogWriteFailed = true;
        ExpectError(JetError.LogWriteFail, () => model.BeginExternalBackup(BackupGrbits.None));
        model.LogWriteFailed = false;
        model.LogDiskFull = true;
        ExpectError(JetError.LogDiskFull, () => model.BeginExternalBackup(BackupGrbits.None));
    }

    [TestCase(BackupGrbits.Atomic)]
    [TestCase(BackupGrbits.Snapshot)]
    [TestCase(BackupGrbits.KeepOldLogs)]
    [TestCase(BackupGrbits.FullWithAllLogs)]
    [TestCase(BackupGrbits.Incremental | BackupGrbits.Atomic)]
    public void Begin_rejects_grbits_other_than_incremental(BackupGrbits grbits)
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        ExpectError(JetError.InvalidGrbit, () => model.BeginExternalBackup(grbits));
    }

    [Test]
    public void One_backup_per_instance()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.BackupInProgress, () => model.BeginExternalBackup(BackupGrbits.None));
        model.EndExternalBackup(EndBackupGrbits.Abort);
        model.BeginExternalBackup(BackupGrbits.None);
    }

    [Test]
    public void A_second_model_on_the_instance_is_told_the_instance_folder_is_held_not_a_backup_destination()
    {
        using var xp = new XpInstance();
        var first = xp.Open();
        first.BeginExternalBackup(BackupGrbits.None);

        var e = Assert.Throws<EseException>(() => xp.Open().BeginExternalBackup(BackupGrbits.None));

        Assert.That(e!.Error, Is.EqualTo(JetError.BackupInProgress));
        Assert.That(e.Message, Does.Contain($"another backup of the instance is running in {Path.GetDirectoryName(first.LockPath)}: its lock file {first.LockPath} is held by process {Environment.ProcessId}").And.Not.Contain("destination"));
        first.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Incremental_with_circular_logging_is_InvalidBackup()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions { CircularLogging = true });
        ExpectError(JetError.InvalidBackup, () => model.BeginExternalBackup(BackupGrbits.Incremental));
        Assert.That(xp.Open().CircularLogging, Is.True, "the setting is kept in the state file");
        model.BeginExternalBackup(BackupGrbits.None);
    }

    [Test]
    public void Incremental_without_a_truncated_full_backup_is_MissingFullBackup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        ExpectError(JetError.MissingFullBackup, () => model.BeginExternalBackup(BackupGrbits.Incremental));

        Backup(model, incremental: false, truncate: false, out _);
        ExpectError(JetError.MissingFullBackup, () => model.BeginExternalBackup(BackupGrbits.Incremental));

        Backup(model, incremental: false, truncate: true, out _);
        model.BeginExternalBackup(BackupGrbits.Incremental);
    }

    [Test]
    public void Incremental_after_lost_logs_is_MissingFileToBackup_and_the_backup_goes_on()
    {
        using var xp = new XpInstance();
        Backup(xp.Open(new EngineModelOptions { CheckpointFollowsRoll = false }), incremental: false, truncate: true, out _);
        var model = xp.Open();
        Backup(model, incremental: true, truncate: false, out var diff);
        Assert.That(diff.Info.GenLow, Is.EqualTo(131u));

        // Someone deletes generations 131 and 132 behind the engine's back: the next incremental has a gap.
        File.Delete(xp.PathOf("edb00083.log"));
        File.Delete(xp.PathOf("edb00084.log"));
        model.BeginExternalBackup(BackupGrbits.Incremental);
        ExpectError(JetError.MissingFileToBackup, () => model.GetLogInfo());
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Calls_without_a_backup_are_NoBackup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        ExpectError(JetError.NoBackup, () => model.GetAttachInfo());
        ExpectError(JetError.NoBackup, () => model.OpenFile(xp.PathOf(SmallDb)));
        ExpectError(JetError.NoBackup, () => model.CloseFile(new BackupFileHandle(0, 0)));
        ExpectError(JetError.NoBackup, () => model.GetLogInfo());
        ExpectError(JetError.NoBackup, () => model.GetTruncateLogInfo());
        ExpectError(JetError.NoBackup, () => model.TruncateLog());
        ExpectError(JetError.NoBackup, () => model.EndExternalBackup(EndBackupGrbits.Normal));
        using var buffer = new AlignedBuffer(3 * 4096);
        ExpectError(JetError.NoBackup, () => model.ReadFile(new BackupFileHandle(0, 0), buffer.Span));
    }

    [Test]
    public void Attach_info_is_only_for_full_backups()
    {
        using var xp = new XpInstance();
        Backup(xp.Open(), incremental: false, truncate: true, out _);
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.Incremental);
        ExpectError(JetError.InvalidBackupSequence, () => model.GetAttachInfo());
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Attached_databases_are_found_by_header_magic_or_listed_explicitly()
    {
        using var xp = new XpInstance();
        Assert.That(xp.Open().Databases, Is.EquivalentTo(new[] { xp.PathOf(SmallDb), xp.PathOf(LargeDb) }));

        var model = xp.Open(new EngineModelOptions { Databases = [LargeDb] });
        model.BeginExternalBackup(BackupGrbits.None);
        Assert.That(model.GetAttachInfo(), Is.EqualTo(new[] { xp.PathOf(LargeDb) }));
        ExpectError(JetError.DatabaseNotFound, () => model.OpenFile(xp.PathOf(SmallDb)));
    }

    [Test]
    public void One_file_at_a_time_and_handle_zero()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        Assert.That(handle.Handle, Is.EqualTo((nint)0));
        Assert.That(handle.Size, Is.EqualTo((1056768 / 4096 - 2 + 3) * 4096L), "(lastPgno + 3) pages");
        ExpectError(JetError.OutOfMemory, () => model.OpenFile(xp.PathOf(LargeDb)));
        ExpectError(JetError.InvalidParameter, () => model.OpenFile(string.Empty));
        ExpectError(JetError.InvalidParameter, () => model.CloseFile(new BackupFileHandle(1, 0)));
        model.CloseFile(handle);
        ExpectError(JetError.InvalidParameter, () => model.CloseFile(handle));
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Database_phase_rejects_non_database_names_and_keeps_the_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.DatabaseNotFound, () => model.OpenFile(xp.PathOf("edb0007E.log")));
        ExpectError(JetError.DatabaseNotFound, () => model.OpenFile(xp.PathOf("nothing.edb")));
        Assert.That(model.IsBackupInProgress, Is.True);
        ReadWhole(model, xp.PathOf(SmallDb));
    }

    [Test]
    public void Opening_a_database_after_log_info_ends_the_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        model.GetLogInfo();
        ExpectError(JetError.InvalidBackupSequence, () => model.OpenFile(xp.PathOf(SmallDb)));
        Assert.That(model.IsBackupInProgress, Is.False);
        ExpectError(JetError.NoBackup, () => model.GetLogInfo());
    }

    [Test]
    public void A_missing_log_is_MissingFileToBackup_and_ends_the_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var logs = model.GetLogInfo();
        File.Delete(logs.Files[0]);
        ExpectError(JetError.MissingFileToBackup, () => model.OpenFile(logs.Files[0]));
        ExpectError(JetError.NoBackup, () => model.TruncateLog());
    }

    [Test]
    public void Log_info_while_a_file_is_open_is_InvalidBackupSequence_without_a_roll()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        ExpectError(JetError.InvalidBackupSequence, () => model.GetLogInfo());
        ExpectError(JetError.InvalidBackupSequence, () => model.GetTruncateLogInfo());
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(131u));
        model.CloseFile(handle);
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Log_roll_happens_once_per_backup()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(131u), "no roll at Begin");
        var first = model.GetLogInfo();
        var again = model.GetLogInfo();
        model.GetTruncateLogInfo();
        Assert.That(again.Files, Is.EqualTo(first.Files));
        Assert.That(again.Info, Is.EqualTo(first.Info));
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(132u));
    }

    [Test]
    public void Truncate_before_log_info_or_with_an_open_file_is_InvalidBackupSequence()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.InvalidBackupSequence, () => model.TruncateLog());
        var logs = model.GetLogInfo();
        var handle = model.OpenFile(logs.Files[0]);
        ExpectError(JetError.InvalidBackupSequence, () => model.TruncateLog());
        model.CloseFile(handle);
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void Truncate_is_LogFileNotCopied_until_every_listed_log_was_read_to_the_end()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        BeginAndCopyDatabases(model);

        var logs = model.GetLogInfo();
        ExpectError(JetError.LogFileNotCopied, () => model.TruncateLog());

        // Read only part of the log, then close: still not copied.
        var handle = model.OpenFile(logs.Files[0]);
        using (var buffer = new AlignedBuffer(2 * 4096))
        {
            Assert.That(model.ReadFile(handle, buffer.Span), Is.EqualTo(8192));
        }

        model.CloseFile(handle);
        ExpectError(JetError.LogFileNotCopied, () => model.TruncateLog());
        Assert.That(File.Exists(xp.PathOf("edb0007E.log")), Is.True, "nothing deleted");

        ReadWhole(model, logs.Files[0]);
        model.TruncateLog();
        Assert.That(File.Exists(xp.PathOf("edb0007E.log")), Is.False);
        Assert.That(File.Exists(xp.PathOf("edb.log")), Is.True, "never the current log");
    }

    [Test]
    public void Read_buffers_must_be_aligned_page_multiples_and_first_reads_large_enough()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var db = model.OpenFile(xp.PathOf(SmallDb));
        using (var misaligned = new AlignedBuffer(4 * 4096, offset: 512))
        {
            ExpectError(JetError.InvalidParameter, () => model.ReadFile(db, misaligned.Span));
        }

        using (var odd = new AlignedBuffer((4 * 4096) + 512))
        {
            ExpectError(JetError.InvalidParameter, () => model.ReadFile(db, odd.Span));
        }

        using (var twoPages = new AlignedBuffer(2 * 4096))
        {
            ExpectError(JetError.InvalidParameter, () => model.ReadFile(db, twoPages.Span));
        }

        using (var threePages = new AlignedBuffer(3 * 4096))
        {
            Assert.That(model.ReadFile(db, threePages.Span), Is.EqualTo(3 * 4096));
            using var onePage = new AlignedBuffer(4096);
            Assert.That(model.ReadFile(db, onePage.Span), Is.EqualTo(4096), "later reads may be a single page");
            ExpectError(JetError.InvalidParameter, () => model.ReadFile(db, Span<byte>.Empty));
        }

        model.CloseFile(db);
        var logs = model.GetLogInfo();
        var log = model.OpenFile(logs.Files[0]);
        using (var onePage = new AlignedBuffer(4096))
        {
            ExpectError(JetError.InvalidParameter, () => model.ReadFile(log, onePage.Span));
        }

        using (var twoPages = new AlignedBuffer(2 * 4096))
        {
            Assert.That(model.ReadFile(log, twoPages.Span), Is.EqualTo(2 * 4096));
        }

        model.CloseFile(log);
        Assert.That(model.IsBackupInProgress, Is.True, "parameter errors never end the backup");
    }

    [Test]
    public void End_needs_exactly_one_of_normal_and_abort()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.InvalidParameter, () => model.EndExternalBackup(EndBackupGrbits.None));
        ExpectError(JetError.InvalidParameter, () => model.EndExternalBackup(EndBackupGrbits.Normal | EndBackupGrbits.Abort));
        ExpectError(JetError.InvalidParameter, () => model.EndExternalBackup(EndBackupGrbits.TruncateDone));
        Assert.That(model.IsBackupInProgress, Is.True);
        model.EndExternalBackup(EndBackupGrbits.Abort);
        Assert.That(model.IsBackupInProgress, Is.False);
    }

    [Test]
    public void Normal_end_in_the_database_phase_is_an_abort_without_header_updates()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var before = File.ReadAllBytes(xp.PathOf(SmallDb));
        model.BeginExternalBackup(BackupGrbits.None);
        ReadWhole(model, xp.PathOf(SmallDb));
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(File.ReadAllBytes(xp.PathOf(SmallDb)), Is.EqualTo(before));
        Assert.That(model.History, Is.Empty);
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(131u));
    }

    [Test]
    public void Abort_after_truncation_keeps_deletions_and_updates_no_header()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var before = File.ReadAllBytes(xp.PathOf(SmallDb));
        BeginAndCopyDatabases(model);

        foreach (var log in model.GetLogInfo().Files)
        {
            ReadWhole(model, log);
        }

        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Abort);
        Assert.That(File.ReadAllBytes(xp.PathOf(SmallDb)), Is.EqualTo(before));
        Assert.That(File.Exists(xp.PathOf("edb0007E.log")), Is.False, "deletions are not undone");
    }

    [Test]
    public void Stop_makes_later_calls_BackupAbortByServer_and_End_an_abort()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var before = File.ReadAllBytes(xp.PathOf(SmallDb));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        model.StopBackup();
        using var buffer = new AlignedBuffer(16 * 4096);
        ExpectError(JetError.BackupAbortByServer, () => model.ReadFile(handle, buffer.Span));
        ExpectError(JetError.BackupAbortByServer, () => model.GetAttachInfo());
        ExpectError(JetError.BackupAbortByServer, () => model.OpenFile(xp.PathOf(LargeDb)));
        ExpectError(JetError.BackupAbortByServer, () => model.GetLogInfo());
        ExpectError(JetError.BackupAbortByServer, () => model.TruncateLog());
        model.CloseFile(handle);
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.IsBackupInProgress, Is.False);
        Assert.That(File.ReadAllBytes(xp.PathOf(SmallDb)), Is.EqualTo(before));

        // The next Begin clears the stop.
        Backup(model, incremental: false, truncate: true, out _);
    }

    [Test]
    public void Stop_after_log_info_downgrades_a_normal_end()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        BeginAndCopyDatabases(model);

        var logs = model.GetLogInfo();
        model.StopBackup();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.History, Is.Empty);
        Assert.That(File.Exists(logs.Files[0]), Is.True);
    }

    [Test]
    public void Open_names_what_is_missing()
    {
        using var xp = new XpInstance();
        File.Delete(xp.PathOf("edb.chk"));
        var e = Assert.Throws<FileNotFoundException>(() => xp.Open())!;
        Assert.That(e.Message, Does.Contain("edb.chk"));
        Assert.Throws<DirectoryNotFoundException>(() => EngineModel.Open(xp.PathOf("absent")));
    }
}
