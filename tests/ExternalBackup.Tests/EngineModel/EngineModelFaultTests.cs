using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>Injected faults and their engine consequences; the call log.</summary>
public class EngineModelFaultTests
{
    private const int Page = 4096;

    private static EngineModel WithFaults(XpInstance xp, Action<EngineFaults> setup)
    {
        var options = new EngineModelOptions();
        setup(options.Faults);
        return xp.Open(options);
    }

    [TestCase(EngineCall.BeginExternalBackup, false)]
    [TestCase(EngineCall.GetAttachInfo, true)]
    [TestCase(EngineCall.OpenFile, true)]
    [TestCase(EngineCall.ReadFile, true)]
    [TestCase(EngineCall.CloseFile, true)]
    [TestCase(EngineCall.GetLogInfo, true)]
    [TestCase(EngineCall.TruncateLog, true)]
    [TestCase(EngineCall.EndExternalBackup, false)]
    public void A_fault_on_the_first_use_of_each_call_surfaces_with_its_code(EngineCall call, bool backupGoesOn)
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.Fail(call, onCall: 1, JetError.DiskIO));
        var e = Assert.Throws<EseException>(() => Backup(model, incremental: false, truncate: true, out _))!;
        Assert.That(e.Error, Is.EqualTo(JetError.DiskIO));
        Assert.That(model.IsBackupInProgress, Is.EqualTo(backupGoesOn), e.Message);
        var failed = model.Calls.Single(c => c.Result != JetError.Success);
        Assert.That(failed, Is.EqualTo(new EngineCallRecord(failed.Sequence, call, 1, failed.Argument, JetError.DiskIO, Injected: true)));
        Assert.That(model.History, Is.Empty);
    }

    [Test]
    public void A_fault_on_the_third_read_of_a_database_drops_that_database_only()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.Fail(EngineCall.ReadFile, onCall: 3, JetError.DiskIO));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(LargeDb));
        using var buffer = new AlignedBuffer(16 * Page);
        model.ReadFile(handle, buffer.Span);
        model.ReadFile(handle, buffer.Span);
        ExpectError(JetError.DiskIO, () => model.ReadFile(handle, buffer.Span));

        // The engine closed the file itself; the backup goes on with the other database.
        ExpectError(JetError.InvalidParameter, () => model.CloseFile(handle));
        ReadWhole(model, xp.PathOf(SmallDb));
        foreach (var log in model.GetLogInfo().Files)
        {
            ReadWhole(model, log);
        }

        model.TruncateLog();
        model.EndExternalBackup(EndBackupGrbits.Normal);
        Assert.That(model.History.Single().Databases, Is.EqualTo(new[] { Path.GetRelativePath(xp.Folder, xp.PathOf(SmallDb)) }));
    }

    [Test]
    public void A_fault_while_reading_a_log_ends_the_backup()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.Fail(EngineCall.ReadFile, onCall: 1, JetError.DiskIO));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(model.GetLogInfo().Files[0]);
        using var buffer = new AlignedBuffer(16 * Page);
        ExpectError(JetError.DiskIO, () => model.ReadFile(handle, buffer.Span));
        ExpectError(JetError.NoBackup, () => model.ReadFile(handle, buffer.Span));
        ExpectError(JetError.NoBackup, () => model.TruncateLog());
    }

    [Test]
    public void A_fault_in_the_prepare_step_keeps_the_backup_and_a_later_one_ends_it()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.Fail(EngineCall.GetLogInfo, 1, JetError.LogWriteFail).Fail(EngineCall.GetLogInfo, 3, JetError.LogWriteFail));
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.LogWriteFail, () => model.GetLogInfo());
        Assert.That(model.IsBackupInProgress, Is.True);
        Assert.That(model.CurrentLogGeneration, Is.EqualTo(131u), "no roll on a failed prepare");
        model.GetLogInfo();
        ExpectError(JetError.LogWriteFail, () => model.GetLogInfo());
        Assert.That(model.IsBackupInProgress, Is.False);
    }

    [Test]
    public void A_corrupted_database_page_is_ReadVerifyFailure_from_the_models_own_check()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.CorruptRead(onCall: 2));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(LargeDb));
        using var buffer = new AlignedBuffer(16 * Page);
        Assert.That(model.ReadFile(handle, buffer.Span), Is.EqualTo(16 * Page));
        var e = Assert.Throws<EseException>(() => model.ReadFile(handle, buffer.Span))!;
        Assert.That(e.Error, Is.EqualTo(JetError.ReadVerifyFailure));
        Assert.That(e.Message, Does.Contain("page 15"), "the first data page of the second read");
        Assert.That(model.IsBackupInProgress, Is.True);
    }

    [Test]
    public void A_targeted_page_corruption_names_the_page()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.CorruptPage("catdb", pgno: 100));
        model.BeginExternalBackup(BackupGrbits.None);
        var e = Assert.Throws<EseException>(() => ReadWhole(model, xp.PathOf(LargeDb)))!;
        Assert.That(e.Error, Is.EqualTo(JetError.ReadVerifyFailure));
        Assert.That(e.Message, Does.Contain("page 100"));
    }

    [Test]
    public void Silent_corruption_flips_bytes_and_reports_success()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.CorruptPage(LargeDb, pgno: 5, silent: true));
        var source = File.ReadAllBytes(xp.PathOf(LargeDb));
        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, xp.PathOf(LargeDb));
        var offset = (5 + 1) * Page;
        Assert.That(stream.AsSpan(offset, Page).SequenceEqual(source.AsSpan(offset, Page)), Is.False, "page 5 differs");
        Assert.That(stream.AsSpan(offset + Page, 100 * Page).SequenceEqual(source.AsSpan(offset + Page, 100 * Page)), Is.True, "the next pages do not");
        Assert.That(model.Calls.All(c => c.Result == JetError.Success), Is.True);
    }

    [Test]
    public void A_corrupted_log_read_is_LogReadVerifyFailure_and_ends_the_backup()
    {
        using var xp = new XpInstance();
        var model = WithFaults(xp, f => f.CorruptRead(onCall: 1));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(model.GetLogInfo().Files[0]);
        using var buffer = new AlignedBuffer(16 * Page);
        ExpectError(JetError.LogReadVerifyFailure, () => model.ReadFile(handle, buffer.Span));
        Assert.That(model.IsBackupInProgress, Is.False);
    }

    [Test]
    public void A_log_with_a_bad_header_checksum_is_LogReadVerifyFailure()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var log = model.GetLogInfo().Files[0];
        using (var f = File.OpenWrite(log))
        {
            f.Position = 100;
            f.WriteByte(0x55);
        }

        var handle = model.OpenFile(log);
        using var buffer = new AlignedBuffer(16 * Page);
        ExpectError(JetError.LogReadVerifyFailure, () => model.ReadFile(handle, buffer.Span));
        Assert.That(model.IsBackupInProgress, Is.False);
    }

    [Test]
    public void Call_log_lists_every_call_with_its_argument_and_result()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        Backup(model, incremental: false, truncate: true, out _);
        var calls = model.Calls;
        Assert.That(calls[0].Call, Is.EqualTo(EngineCall.BeginExternalBackup));
        Assert.That(calls[0].Argument, Is.EqualTo("None"));
        Assert.That(calls[1].Call, Is.EqualTo(EngineCall.GetAttachInfo));
        Assert.That(calls.Where(c => c.Call == EngineCall.OpenFile).Select(c => c.Argument),
            Is.EqualTo(new[] { xp.PathOf(SmallDb), xp.PathOf(LargeDb), xp.PathOf("edb00083.log") }).Or.EqualTo(new[] { xp.PathOf(LargeDb), xp.PathOf(SmallDb), xp.PathOf("edb00083.log") }));
        Assert.That(calls.Select(c => c.Sequence), Is.EqualTo(Enumerable.Range(1, calls.Count)));
        Assert.That(calls[^2].Call, Is.EqualTo(EngineCall.TruncateLog));
        Assert.That(calls[^1].Call, Is.EqualTo(EngineCall.EndExternalBackup));
        Assert.That(calls[^1].Argument, Is.EqualTo("Normal"));
        Assert.That(calls.All(c => c.Result == JetError.Success && !c.Injected), Is.True);
    }
}
