using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Pipeline;

public class StreamingBackupBadInputTests
{
    // The scripted engine serves arbitrary bytes, not ESE files: these tests are about the pipeline's own checks.
    private static readonly StreamingBackupOptions Unverified = new() { CreateVerifier = null };

    private static byte[] Bytes(int n, byte seed = 1) => [.. Enumerable.Range(0, n).Select(i => (byte)(i * 31 + seed))];

    private static ScriptedEngine Healthy() => new ScriptedEngine()
        .AddDatabase("/inst/db/ntds.dit", Bytes(5 * 32768))
        .AddLog("/inst/logs/edb00001.log", Bytes(65536, 2))
        .AddLog("/inst/logs/edb00002.log", Bytes(65536, 3));

    private static async Task<(Exception Error, string Before, string After)> FailingRun(ScriptedEngine engine, string destination, IBackupSink? sink = null, BackupKind kind = BackupKind.Full)
    {
        var before = DirectorySinkTests.Snapshot(destination);
        await using var s = sink ?? new DirectorySink(destination);
        var e = Assert.CatchAsync(async () => await new StreamingBackup(engine, s, Unverified).RunAsync(kind));
        return (e!, before, DirectorySinkTests.Snapshot(destination));
    }

    [Test]
    public async Task A_healthy_scripted_run_ends_normal_after_commit_and_truncate()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        await using var sink = new DirectorySink(scratch.Path);
        var result = await new StreamingBackup(engine, sink, Unverified).RunAsync(BackupKind.Full);

        Assert.That(result.LogsTruncated, Is.True);
        Assert.That(engine.Calls.SkipWhile(c => c != "GetLogInfo").Where(c => !c.StartsWith("ReadFile", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "GetLogInfo", "OpenFile(/inst/logs/edb00001.log)", "CloseFile", "OpenFile(/inst/logs/edb00002.log)", "CloseFile", "TruncateLog", "End(Normal)",
        }));
        Assert.That(result.Manifest.Files.Select(f => f.Path), Is.EqualTo(new[] { "databases/ntds.dit", "logs/edb00001.log", "logs/edb00002.log" }));
    }

    [Test]
    public async Task A_file_shorter_than_announced_fails_naming_the_file_and_sizes()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = new ScriptedEngine().AddDatabase("/inst/ntds.dit", Bytes(3 * 32768), announced: 4 * 32768);
        var (error, before, after) = await FailingRun(engine, scratch.Path);
        Assert.That(error.Message, Does.Contain("/inst/ntds.dit").And.Contain("131072").And.Contain("98304"));
        Assert.That(engine.Calls, Does.Contain("End(Abort)").And.Not.Contain("TruncateLog"));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task A_file_longer_than_announced_fails_naming_the_offset()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = new ScriptedEngine().AddDatabase("/inst/ntds.dit", Bytes(5 * 32768), announced: 32768);
        var (error, before, after) = await FailingRun(engine, scratch.Path);
        Assert.That(error.Message, Does.Contain("/inst/ntds.dit").And.Contain("past the 32768 bytes"));
        Assert.That(engine.Calls, Does.Contain("End(Abort)").And.Not.Contain("TruncateLog"));
        Assert.That(after, Is.EqualTo(before));
    }

    [TestCase("/inst/logs/edb0000G.log", "edb")]
    [TestCase("/inst/logs/passwd", "edb")]
    [TestCase("/inst/logs/edb00001.log", "xyz")]
    public async Task Hostile_or_foreign_log_names_fail_naming_the_file(string log, string baseName)
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = new ScriptedEngine().AddDatabase("/inst/ntds.dit", Bytes(4 * 32768)).AddLog(log, Bytes(100));
        engine.LogInfo = new JetLogInfo(1, 1, baseName);
        var (error, before, after) = await FailingRun(engine, scratch.Path);
        Assert.That(error, Is.InstanceOf<InvalidDataException>());
        Assert.That(error.Message, Does.Contain(log));
        Assert.That(engine.Calls, Does.Contain("End(Abort)").And.Not.Contain("TruncateLog"));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task Traversal_in_an_engine_path_never_leaves_the_set()
    {
        using var scratch = new ScratchDirectory("pipe");
        var destination = scratch.Sub("dest");
        var engine = new ScriptedEngine().AddDatabase("/i/../../x/../a.edb", Bytes(4 * 32768)).AddLog("/i/logs/../../../etc/edb00001.log", Bytes(100));
        await using var sink = new DirectorySink(destination);
        var result = await new StreamingBackup(engine, sink, Unverified).RunAsync(BackupKind.Full);
        Assert.That(result.Manifest.Files.Select(f => f.Path), Is.EqualTo(new[] { "databases/a.edb", "logs/edb00001.log" }));
        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "dest" }));
    }

    [Test]
    public async Task A_gap_in_the_listed_generations_fails_naming_it()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = new ScriptedEngine().AddDatabase("/i/a.edb", Bytes(4 * 32768)).AddLog("/i/edb00001.log", Bytes(9)).AddLog("/i/edb00003.log", Bytes(9));
        engine.LogInfo = new JetLogInfo(1, 3, "edb");
        var (error, _, _) = await FailingRun(engine, scratch.Path);
        Assert.That(error.Message, Does.Contain("edb00003.log").And.Contain("generation 2 was expected"));
    }

    [Test]
    public async Task Hostile_database_names_fail_before_anything_is_read()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = new ScriptedEngine().AddDatabase("/i/a\u0001b.edb", Bytes(4 * 32768));
        var (error, before, after) = await FailingRun(engine, scratch.Path);
        Assert.That(error.Message, Does.Contain("control character"));
        Assert.That(engine.Calls, Has.None.StartsWith("OpenFile"));
        Assert.That(engine.Calls, Does.Contain("End(Abort)"));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task A_permanent_sink_fault_ends_with_abort_and_truncates_nothing()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        var faulty = new FaultySink(new DirectorySink(scratch.Path)) { FailWritesAfter = 1, Fault = () => new IOException("No space left on device") };
        var (error, before, after) = await FailingRun(engine, scratch.Path, faulty);
        Assert.That(error.Message, Does.Contain("No space left"));
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
        Assert.That(faulty.Aborts, Is.EqualTo(1));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task A_failed_commit_truncates_nothing()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        var faulty = new FaultySink(new DirectorySink(scratch.Path)) { FailCommits = 1, Fault = () => new IOException("fsync failed") };
        var (_, before, after) = await FailingRun(engine, scratch.Path, faulty);
        Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task A_truncation_failure_after_commit_keeps_the_set_and_says_so()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        engine.BeforeCall = c => { if (c == "TruncateLog") throw new EseException("JetTruncateLogInstance", JetError.DiskIO, "delete failed"); };
        await using var sink = new DirectorySink(scratch.Path);
        var e = Assert.ThrowsAsync<LogTruncationException>(async () => await new StreamingBackup(engine, sink, Unverified).RunAsync(BackupKind.Full));
        Assert.That(e!.Error, Is.EqualTo(JetError.DiskIO));
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(await sink.ListSetsAsync(default), Has.Count.EqualTo(1));
    }

    [TestCase("Begin(None)")]
    [TestCase("GetAttachInfo")]
    [TestCase("OpenFile(/inst/db/ntds.dit)")]
    [TestCase("ReadFile")]
    [TestCase("GetLogInfo")]
    [TestCase("OpenFile(/inst/logs/edb00002.log)")]
    [TestCase("TruncateLog")]
    public async Task Cancellation_at_each_stage_ends_with_abort_and_leaves_the_destination(string stage)
    {
        using var scratch = new ScratchDirectory("pipe");
        using var cancel = new CancellationTokenSource();
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        engine.BeforeCall = c => { if (c == stage) cancel.Cancel(); };
        var before = DirectorySinkTests.Snapshot(scratch.Path);
        await using var sink = new DirectorySink(scratch.Path);
        var run = new StreamingBackup(engine, sink, Unverified).RunAsync(BackupKind.Full, null, cancel.Token);
        if (stage == "TruncateLog")
        {
            // Cancellation after the commit point does not undo a committed set; the run completes.
            await run;
            Assert.That(engine.Calls[^1], Is.EqualTo("End(Normal)"));
            return;
        }

        Assert.CatchAsync<OperationCanceledException>(async () => await run);
        Assert.That(engine.Calls, Does.Not.Contain("TruncateLog"));
        Assert.That(engine.Calls[^1], Is.EqualTo("End(Abort)"));
        Assert.That(DirectorySinkTests.Snapshot(scratch.Path), Is.EqualTo(before));
    }

    [Test]
    public async Task Status_callback_and_progress_are_reported_in_order()
    {
        using var scratch = new ScratchDirectory("pipe");
        var engine = Healthy();
        engine.LogInfo = new JetLogInfo(1, 2, "edb");
        var notes = new List<(JetSnt Snt, uint Done)>();
        var reports = new List<BackupProgress>();
        await using var sink = new DirectorySink(scratch.Path);
        var options = Unverified with { StatusCallback = (snp, snt, prog) => { notes.Add((snt, prog.UnitsDone)); return JetError.Success; } };
        await new StreamingBackup(engine, sink, options).RunAsync(BackupKind.Full, new SynchronousProgress<BackupProgress>(reports.Add));

        Assert.That(notes[0].Snt, Is.EqualTo(JetSnt.Begin));
        Assert.That(notes[^1], Is.EqualTo((JetSnt.Complete, 100u)));
        Assert.That(notes.Where(n => n.Snt == JetSnt.Progress).Select(n => n.Done), Is.Ordered);
        Assert.That(reports[^1].Phase, Is.EqualTo(BackupPhase.Completed));
        Assert.That(reports[^1].BytesDone, Is.EqualTo(5 * 32768 + 2 * 65536));
        Assert.That(reports.Select(r => r.BytesDone), Is.Ordered);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
