using System.Buffers.Binary;
using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>Options: clock, page size, log names, faults on the remaining calls.</summary>
public class EngineModelOptionTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Test]
    public void The_clock_dates_the_new_log_and_the_backup_marks()
    {
        using var xp = new XpInstance();
        var when = new DateTimeOffset(2026, 11, 22, 4, 5, 6, TimeSpan.Zero);
        var model = xp.Open(new EngineModelOptions { TimeProvider = new FixedClock(when) });
        Backup(model, incremental: false, truncate: true, out _);

        var log = File.ReadAllBytes(xp.PathOf("edb.log"));
        Assert.That(log.AsSpan(16, 6).ToArray(), Is.EqualTo(new byte[] { 6, 5, 4, 22, 11, 126 }), "LOGTIME sec, min, hour, day, month, year-1900");
        var header = File.ReadAllBytes(xp.PathOf(SmallDb));
        Assert.That(header.AsSpan(136 + 8, 6).ToArray(), Is.EqualTo(new byte[] { 6, 5, 4, 22, 11, 126 }), "bkinfoFullPrev.logtimeMark");
        Assert.That(model.History.Single().Time, Is.EqualTo(when));
    }

    [Test]
    public void A_page_size_override_changes_the_buffer_rule()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions { PageSize = 8192 });
        Assert.That(model.PageSize, Is.EqualTo(8192));
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        using var threePages = new AlignedBuffer(3 * 4096);
        ExpectError(JetError.InvalidParameter, () => model.ReadFile(handle, threePages.Span));
        using var ok = new AlignedBuffer(3 * 8192);
        Assert.That(model.ReadFile(handle, ok.Span), Is.EqualTo(3 * 8192), "at least 3 pages of the configured size");
    }

    [Test]
    public void Jtx_logs_are_detected_and_named_with_8_digits()
    {
        using var xp = new XpInstance();
        foreach (var log in Directory.GetFiles(xp.Folder, "edb*.log"))
        {
            var name = Path.GetFileNameWithoutExtension(log);
            var renamed = name == "edb" ? "edb.jtx" : $"edb{Convert.ToUInt32(name[3..], 16):X8}.jtx";
            File.Move(log, xp.PathOf(renamed));
        }

        File.Move(xp.PathOf("edb.chk"), xp.PathOf("edb.jcp"));
        var model = xp.Open(XpInstance.CheckpointFollowsRoll);
        Assert.That(model.LogExtension, Is.EqualTo(".jtx"));
        Backup(model, incremental: false, truncate: true, out var logInfo);
        Assert.That(logInfo.Files, Is.EqualTo(new[] { xp.PathOf("edb00000083.jtx") }));
        Assert.That(Directory.GetFiles(xp.Folder, "edb*.jtx").Select(Path.GetFileName), Is.EqualTo(new[] { "edb.jtx" }));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(File.ReadAllBytes(xp.PathOf("edb.jcp")).AsSpan(16)), Is.EqualTo(132));
    }

    [Test]
    public void Faults_on_truncate_info_and_stop_and_on_a_later_use()
    {
        using var xp = new XpInstance();
        var options = new EngineModelOptions();
        options.Faults.Fail(EngineCall.GetTruncateLogInfo, 1, JetError.OutOfMemory)
            .Fail(EngineCall.StopBackup, 1, JetError.InvalidParameter)
            .Fail(EngineCall.OpenFile, 2, JetError.DiskIO);
        var model = xp.Open(options);
        model.BeginExternalBackup(BackupGrbits.None);
        ExpectError(JetError.OutOfMemory, () => model.GetTruncateLogInfo());
        ExpectError(JetError.InvalidParameter, () => model.StopBackup());
        ReadWhole(model, xp.PathOf(SmallDb));
        ExpectError(JetError.DiskIO, () => model.OpenFile(xp.PathOf(LargeDb)));
        ReadWhole(model, xp.PathOf(LargeDb));
        Assert.That(model.IsBackupInProgress, Is.True);
        Assert.That(model.Calls.Where(c => c.Injected).Select(c => (c.Call, c.UseNumber)), Is.EqualTo(new[]
        {
            (EngineCall.GetTruncateLogInfo, 1), (EngineCall.StopBackup, 1), (EngineCall.OpenFile, 2),
        }));
    }

    [Test]
    public void Settings_given_once_are_kept_for_later_opens()
    {
        using var xp = new XpInstance();
        xp.Open(new EngineModelOptions { CircularLogging = true, Databases = [SmallDb] });
        var later = xp.Open();
        Assert.That(later.CircularLogging, Is.True);
        Assert.That(later.Databases, Is.EqualTo(new[] { xp.PathOf(SmallDb) }));
        later.CircularLogging = false;
        Assert.That(xp.Open().CircularLogging, Is.False);
    }
}
