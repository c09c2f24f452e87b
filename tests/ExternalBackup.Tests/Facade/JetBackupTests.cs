using ExternalBackup.Engine;
using ExternalBackup.Facade;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Facade;

/// <summary>The JetBackup contract of the seed document, on the engine model.</summary>
public class JetBackupTests
{
    private static (ScratchDirectory Scratch, string Instance, string Destination) Setup()
    {
        var scratch = new ScratchDirectory("jetbackup");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        return (scratch, instance, scratch.Sub("backup"));
    }

    private static IReadOnlyList<string> Logs(string instance) => [.. Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).Order()!];

    [Test]
    public void Success_backs_up_truncates_and_reports_begin_and_complete()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var notes = new List<(JetSnp, JetSnt)>();
        var rc = JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.None, (snp, snt, _) => { notes.Add((snp, snt)); return JetError.Success; });

        Assert.That(rc, Is.EqualTo(JetError.Success));
        Assert.That(notes[0], Is.EqualTo((JetSnp.Backup, JetSnt.Begin)));
        Assert.That(notes[^1], Is.EqualTo((JetSnp.Backup, JetSnt.Complete)));
        Assert.That(Directory.EnumerateDirectories(destination).Count(), Is.EqualTo(1));
        Assert.That(Logs(instance), Does.Not.Contain("edb0007E.log"), "logs below the checkpoint were truncated");
    }

    [Test]
    public void Incremental_after_full_adds_only_logs()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.None, null), Is.EqualTo(JetError.Success));
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.Incremental, null), Is.EqualTo(JetError.Success));
        var incremental = Directory.EnumerateDirectories(destination).Single(d => d.EndsWith("-incremental", StringComparison.Ordinal));
        Assert.That(Directory.EnumerateFiles(incremental, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.All.Matches<string>(n => n == "manifest.json" || n!.EndsWith(".log", StringComparison.Ordinal)));
    }

    [Test]
    public void Missing_destination_is_InvalidPath_unless_CreatePathIfNotExist()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var missing = Path.Combine(destination, "not-there");
        var logs = Logs(instance);
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), missing, BackupGrbits.None, null), Is.EqualTo(JetError.InvalidPath));
        Assert.That(Directory.Exists(missing), Is.False);
        Assert.That(Logs(instance), Is.EqualTo(logs), "nothing truncated");

        Assert.That(JetBackup.Backup(EngineModel.Open(instance), missing, BackupGrbits.None, null, new JetBackupOptions { CreatePathIfNotExist = true }), Is.EqualTo(JetError.Success));
        Assert.That(Directory.EnumerateDirectories(missing).Count(), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> SeedErrors()
    {
        // Each return value of the seed's table (ese-backup-api.md §4.2) produced by the engine's own state.
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.BackupNotAllowedYet), BackupGrbits.None, JetError.BackupNotAllowedYet).SetName("instance not ready yet");
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.StopServiceRequested), BackupGrbits.None, JetError.ClientRequestToStopJetService).SetName("JetStopService was called");
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.Unavailable), BackupGrbits.None, JetError.InstanceUnavailable).SetName("instance unavailable after a fatal error");
        yield return new TestCaseData((Action<EngineModel>)(m => m.LoggingEnabled = false), BackupGrbits.None, JetError.LoggingDisabled).SetName("instance running without logging");
        yield return new TestCaseData((Action<EngineModel>)(m => m.LogWriteFailed = true), BackupGrbits.None, JetError.LogWriteFail).SetName("logging disabled by an unexpected error");
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.NotInitialized), BackupGrbits.None, JetError.NotInitialized).SetName("instance not initialized");
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.RestoreInProgress), BackupGrbits.None, JetError.RestoreInProgress).SetName("restore in progress");
        yield return new TestCaseData((Action<EngineModel>)(m => m.Condition = InstanceCondition.TermInProgress), BackupGrbits.None, JetError.TermInProgress).SetName("instance shutting down");
        yield return new TestCaseData((Action<EngineModel>)(m => m.BeginExternalBackup(BackupGrbits.None)), BackupGrbits.None, JetError.BackupInProgress).SetName("a backup is already in progress");
        // Refused by the chain rule before the engine is called: the destination holds no full backup to extend.
        yield return new TestCaseData((Action<EngineModel>)(_ => { }), BackupGrbits.Incremental, JetError.MissingFullBackup).SetName("incremental without a full backup");
    }

    [Test]
    public void Incremental_with_circular_logging_is_InvalidBackup_and_adds_nothing()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.None, null), Is.EqualTo(JetError.Success));
        var before = DirectorySinkTests.Snapshot(destination);
        var engine = EngineModel.Open(instance);
        engine.CircularLogging = true;

        Assert.That(JetBackup.Backup(engine, destination, BackupGrbits.Incremental, null), Is.EqualTo(JetError.InvalidBackup));
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
    }

    [TestCaseSource(nameof(SeedErrors))]
    public void Each_seed_listed_error_is_returned_with_its_exact_code_and_leaves_no_files(Action<EngineModel> arrange, BackupGrbits grbits, JetError expected)
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var engine = EngineModel.Open(instance);
        arrange(engine);
        var logs = Logs(instance);

        Assert.That(JetBackup.Backup(engine, destination, grbits, null), Is.EqualTo(expected));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty, "no files in the destination");
        Assert.That(Logs(instance), Is.SupersetOf(logs.Where(l => l != "edb.log")), "nothing truncated");
    }

    [TestCase(1, JetError.ReadVerifyFailure)]
    [TestCase(5, JetError.LogReadVerifyFailure)]
    public void Checksum_failures_on_pages_and_logs_return_their_codes(int readCall, JetError expected)
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.Fail(EngineCall.ReadFile, readCall, expected);
        Assert.That(JetBackup.Backup(EngineModel.Open(instance, options), destination, BackupGrbits.None, null), Is.EqualTo(expected));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public void A_failed_full_backup_keeps_the_previous_backup()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.None, null), Is.EqualTo(JetError.Success));
        var before = DirectorySinkTests.Snapshot(destination);
        var options = new EngineModelOptions();
        options.Faults.Fail(EngineCall.ReadFile, 3, JetError.DiskIO);
        Assert.That(JetBackup.Backup(EngineModel.Open(instance, options), destination, BackupGrbits.None, null), Is.EqualTo(JetError.DiskIO));
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
    }

    [Test]
    public void A_truncation_failure_removes_the_set_so_the_failed_call_leaves_no_files()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.Fail(EngineCall.TruncateLog, 1, JetError.DiskIO);
        Assert.That(JetBackup.Backup(EngineModel.Open(instance, options), destination, BackupGrbits.None, null), Is.EqualTo(JetError.DiskIO));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public void A_null_path_asks_the_engine_to_truncate_only_and_returns_its_answer()
    {
        var (scratch, instance, _) = Setup();
        using var __ = scratch;
        var engine = EngineModel.Open(instance);
        var rc = JetBackup.Backup(engine, null, BackupGrbits.None, null);
        Assert.That(rc, Is.EqualTo(JetError.InvalidBackupSequence), "the external API truncates only after GetLogInfo and copying every log");
        Assert.That(engine.IsBackupInProgress, Is.False);
    }

    [TestCase(JetError.InvalidParameter)]
    [TestCase(JetError.SessionSharingViolation)]
    [TestCase(JetError.InvalidGrbit)]
    [TestCase(JetError.InstanceUnavailableDueToFatalLogDiskFull)]
    public void Codes_the_engine_returns_at_begin_come_back_unchanged(JetError code)
    {
        // Seed-listed codes that this engine model cannot reach through its own state are injected at the call
        // that would return them; the contract passes them through exactly and leaves nothing behind.
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.Fail(EngineCall.BeginExternalBackup, 1, code);
        Assert.That(JetBackup.Backup(EngineModel.Open(instance, options), destination, BackupGrbits.None, null), Is.EqualTo(code));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public void Like_the_engine_JetBackup_does_not_validate_grbits_beyond_incremental()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        Assert.That(JetBackup.Backup(EngineModel.Open(instance), destination, BackupGrbits.Atomic | BackupGrbits.Snapshot, null), Is.EqualTo(JetError.Success));
        Assert.That(Directory.EnumerateDirectories(destination).Single(), Does.EndWith("-full"));
    }
}
