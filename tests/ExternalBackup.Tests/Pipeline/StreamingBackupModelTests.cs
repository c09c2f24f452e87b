using System.Security.Cryptography;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>The pipeline driven by the engine model over a copy of the Windows XP CatRoot2 instance.</summary>
public class StreamingBackupModelTests
{
    private static (ScratchDirectory Scratch, string Instance, string Destination) Setup()
    {
        var scratch = new ScratchDirectory("model");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        return (scratch, instance, scratch.Sub("backups"));
    }

    private static async Task<BackupResult> Run(EngineModel engine, string destination, BackupKind kind)
    {
        await using var sink = new DirectorySink(destination);
        return await new StreamingBackup(engine, sink).RunAsync(kind);
    }

    [Test]
    public async Task Full_backup_streams_every_page_and_the_files_match_the_manifest()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var sources = Directory.GetFiles(instance, "catdb", SearchOption.AllDirectories).ToDictionary(p => Path.GetFileName(Path.GetDirectoryName(p))!, File.ReadAllBytes);
        var engine = EngineModel.Open(instance);
        var result = await Run(engine, destination, BackupKind.Full);

        var set = Path.Combine(destination, result.Manifest.SetId);
        foreach (var file in result.Manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(set, file.Path));
            Assert.That(bytes.LongLength, Is.EqualTo(file.Bytes), file.Path);
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.Sha256), file.Path);
        }

        foreach (var database in result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Database))
        {
            var stream = File.ReadAllBytes(Path.Combine(set, database.Path));
            var source = sources[database.Path.Split('/')[1]];
            const int page = 4096;
            Assert.That(stream.Length, Is.EqualTo(source.Length + page), "2 header pages + data pages + 1 trailer page");
            Assert.That(stream.AsSpan(2 * page, source.Length - 2 * page).SequenceEqual(source.AsSpan(2 * page)), Is.True, $"{database.Path}: data pages equal the source pages");
            Assert.That(stream.AsSpan(0, page).SequenceEqual(stream.AsSpan(page, page)), Is.True, "header and shadow copy are equal");
        }

        Assert.That(result.Manifest.Kind, Is.EqualTo(BackupKind.Full));
        Assert.That(result.LogsTruncated, Is.True);
        Assert.That(engine.IsBackupInProgress, Is.False);
    }

    [Test]
    public async Task A_given_set_name_names_the_set_its_folder_and_its_manifest()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true });
        var result = await new StreamingBackup(EngineModel.Open(instance), sink, new StreamingBackupOptions { SetId = "nightly-0042" }).RunAsync(BackupKind.Copy);

        Assert.That(result.Manifest.SetId, Is.EqualTo("nightly-0042"));
        Assert.That(File.Exists(Path.Combine(destination, "nightly-0042", BackupManifest.FileName)), Is.True);
    }

    [TestCase("a/b")]
    [TestCase("..")]
    [TestCase(".staging")]
    [TestCase("bad:name")]
    [TestCase("")]
    public void A_set_name_that_is_not_a_plain_folder_name_is_refused_before_the_engine_is_called(string setId)
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var engine = EngineModel.Open(instance);
        var error = Assert.Throws<ArgumentException>(() => new StreamingBackup(engine, new DirectorySink(destination), new StreamingBackupOptions { SetId = setId }));
        Assert.That(error!.Message, Does.Contain($"set name '{setId}'"));
        Assert.That(engine.IsBackupInProgress, Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty, "nothing was written");
    }

    [TestCase(BackupKind.Full, true)]
    [TestCase(BackupKind.Copy, false)]
    public async Task Full_and_copy_differ_only_in_truncation(BackupKind kind, bool truncates)
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var engine = EngineModel.Open(instance);
        var logsBefore = Directory.GetFiles(instance, "edb0*.log").Length;
        var result = await Run(engine, destination, kind);

        Assert.That(result.LogsTruncated, Is.EqualTo(truncates));
        Assert.That(result.Manifest.TruncatesLogs, Is.EqualTo(truncates));
        Assert.That(result.Manifest.Files.Count(f => f.Kind == BackupFileKind.Database), Is.EqualTo(2));
        var logsAfter = Directory.GetFiles(instance, "edb0*.log").Length;
        if (truncates)
        {
            Assert.That(engine.Calls.Select(c => c.Call), Does.Contain(EngineCall.TruncateLog));
            Assert.That(logsAfter, Is.LessThan(logsBefore + 1), "truncation deleted logs the set no longer needs");
        }
        else
        {
            Assert.That(engine.Calls.Select(c => c.Call), Does.Not.Contain(EngineCall.TruncateLog));
            Assert.That(logsAfter, Is.EqualTo(logsBefore + 1), "the roll archived the current log and nothing was deleted");
        }

        Assert.That(engine.History[^1].Kind, Is.EqualTo(kind), "the engine recorded the backup kind in its headers");
    }

    [Test]
    public async Task Incremental_chain_links_up_with_contiguous_generations()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var full = await Run(EngineModel.Open(instance), destination, BackupKind.Full);
        var inc1 = await Run(EngineModel.Open(instance), destination, BackupKind.Incremental);
        var inc2 = await Run(EngineModel.Open(instance), destination, BackupKind.Incremental);

        Assert.That(inc1.Manifest.Extends?.SetId, Is.EqualTo(full.Manifest.SetId));
        Assert.That(inc2.Manifest.Extends?.SetId, Is.EqualTo(inc1.Manifest.SetId));
        Assert.That(inc1.Manifest.Files.All(f => f.Kind == BackupFileKind.Log), Is.True);
        Assert.That(inc1.Manifest.LogGenerations!.Low, Is.LessThanOrEqualTo(full.Manifest.LogGenerations!.High + 1));
        Assert.That(inc2.Manifest.LogGenerations!.Low, Is.LessThanOrEqualTo(inc1.Manifest.LogGenerations!.High + 1));
        Assert.That(inc2.Manifest.LogGenerations.High, Is.GreaterThan(inc1.Manifest.LogGenerations.High));
        var chain = ExternalBackup.Restore.BackupChain.Resolve(await new DirectorySink(destination).ListSetsAsync(default));
        Assert.That(chain.Sets.Select(s => s.SetId), Is.EqualTo(new[] { full.Manifest.SetId, inc1.Manifest.SetId, inc2.Manifest.SetId }));
        Assert.That(chain.Logs.Select(l => l.Generation), Is.EqualTo(Enumerable.Range((int)chain.Logs[0].Generation, chain.Logs.Count).Select(g => (long)g)));
    }

    [Test]
    public async Task Differential_truncates_nothing_and_extends_the_full()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var full = await Run(EngineModel.Open(instance), destination, BackupKind.Full);
        var logsBefore = Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName).ToList();
        var engine = EngineModel.Open(instance);
        var diff = await Run(engine, destination, BackupKind.Differential);

        Assert.That(diff.LogsTruncated, Is.False);
        Assert.That(diff.Manifest.Extends?.SetId, Is.EqualTo(full.Manifest.SetId));
        Assert.That(engine.Calls.Select(c => c.Call), Does.Not.Contain(EngineCall.TruncateLog));
        Assert.That(Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName), Is.SupersetOf(logsBefore));
        Assert.That(engine.History[^1].Kind, Is.EqualTo(BackupKind.Differential));
    }

    [Test]
    public async Task Incremental_allowed_as_an_orphan_without_a_full_backup_fails_in_the_engine_with_MissingFullBackup_and_leaves_nothing()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var engine = EngineModel.Open(instance);
        await using var sink = new DirectorySink(destination);
        var e = Assert.ThrowsAsync<EseException>(async () => await new StreamingBackup(engine, sink, new StreamingBackupOptions { AllowOrphan = true }).RunAsync(BackupKind.Incremental));
        Assert.That(e!.Error, Is.EqualTo(JetError.MissingFullBackup));
        Assert.That(e.Call, Does.Contain("JetBeginExternalBackupInstance"));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task Incremental_with_circular_logging_fails_with_InvalidBackup()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        await Run(EngineModel.Open(instance), destination, BackupKind.Full);
        var engine = EngineModel.Open(instance, new EngineModelOptions { CircularLogging = true });
        var e = Assert.ThrowsAsync<EseException>(async () => await Run(engine, destination, BackupKind.Incremental));
        Assert.That(e!.Error, Is.EqualTo(JetError.InvalidBackup));
    }

    private static IEnumerable<TestCaseData> EngineFaults()
    {
        yield return new TestCaseData(EngineCall.BeginExternalBackup, 1, JetError.LogDiskFull);
        yield return new TestCaseData(EngineCall.GetAttachInfo, 1, JetError.OutOfMemory);
        yield return new TestCaseData(EngineCall.OpenFile, 1, JetError.DiskIO);
        yield return new TestCaseData(EngineCall.OpenFile, 2, JetError.DiskIO);
        yield return new TestCaseData(EngineCall.OpenFile, 3, JetError.MissingFileToBackup);
        yield return new TestCaseData(EngineCall.ReadFile, 1, JetError.ReadVerifyFailure);
        yield return new TestCaseData(EngineCall.ReadFile, 4, JetError.DiskIO);
        yield return new TestCaseData(EngineCall.CloseFile, 2, JetError.InvalidParameter);
        yield return new TestCaseData(EngineCall.GetLogInfo, 1, JetError.FileNotFound);
        yield return new TestCaseData(EngineCall.TruncateLog, 1, JetError.LogFileNotCopied);
    }

    [TestCaseSource(nameof(EngineFaults))]
    public async Task A_fault_at_any_engine_call_ends_with_abort_and_truncates_nothing(EngineCall call, int onCall, JetError error)
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var before = DirectorySinkTests.Snapshot(destination);
        var logs = Directory.GetFiles(instance, "*.log").Select(Path.GetFileName).ToList();
        var options = new EngineModelOptions();
        options.Faults.Fail(call, onCall, error);
        var engine = EngineModel.Open(instance, options);

        var e = Assert.CatchAsync(async () => await Run(engine, destination, BackupKind.Full));
        var code = e is LogTruncationException t ? t.Error : ((EseException)e!).Error;
        Assert.That(code, Is.EqualTo(error));
        Assert.That(engine.IsBackupInProgress, Is.False, "the engine's backup was ended");
        Assert.That(engine.Calls.Where(c => c.Call == EngineCall.TruncateLog && c.Result == JetError.Success), Is.Empty, "nothing truncated");
        if (call != EngineCall.BeginExternalBackup)
        {
            var end = engine.Calls.Last(c => c.Call == EngineCall.EndExternalBackup);
            Assert.That(end.Argument, Does.Contain("Abort"));
        }

        if (call == EngineCall.TruncateLog)
        {
            Assert.That(Directory.EnumerateDirectories(destination).Count(), Is.EqualTo(1), "the committed set is kept when truncation fails");
        }
        else
        {
            Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before));
        }

        Assert.That(Directory.GetFiles(instance, "*.log").Select(Path.GetFileName), Is.SupersetOf(logs.Where(l => l != "edb.log")));
    }

    [Test]
    public async Task Stop_backup_from_the_server_aborts_the_run()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var engine = EngineModel.Open(instance);
        var progress = new SynchronousProgress<BackupProgress>(p =>
        {
            if (p.Phase == BackupPhase.Databases && p.BytesDone > 0)
            {
                engine.StopBackup();
            }
        });
        await using var sink = new DirectorySink(destination);
        var e = Assert.ThrowsAsync<EseException>(async () => await new StreamingBackup(engine, sink).RunAsync(BackupKind.Full, progress));
        Assert.That(e!.Error, Is.EqualTo(JetError.BackupAbortByServer));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task A_corrupt_page_read_fails_with_ReadVerifyFailure_naming_the_call()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.CorruptRead(onCall: 2);
        var engine = EngineModel.Open(instance, options);
        var e = Assert.ThrowsAsync<EseException>(async () => await Run(engine, destination, BackupKind.Full));
        Assert.That(e!.Error, Is.EqualTo(JetError.ReadVerifyFailure));
        Assert.That(e.Call, Is.EqualTo("JetReadFileInstance"));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task Silent_corruption_from_the_engine_is_caught_inline_naming_file_and_page()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.CorruptPage("{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb", pgno: 77, silent: true);
        var engine = EngineModel.Open(instance, options);
        var e = Assert.ThrowsAsync<BackupVerificationException>(async () => await Run(engine, destination, BackupKind.Full));
        Assert.That(e!.File, Does.Contain("{F750E6C3-38EE-11D1-85E5-00C04FC295EE}"));
        Assert.That(e.Message, Does.Contain("page 77"));
        Assert.That(e.Offset, Is.EqualTo((77 + 1) * 4096L));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
        Assert.That(engine.Calls.Select(c => c.Call), Does.Not.Contain(EngineCall.TruncateLog));
        Assert.That(engine.Calls.Last(c => c.Call == EngineCall.EndExternalBackup).Argument, Does.Contain("Abort"));
    }

    [Test]
    public async Task Without_the_inline_check_the_same_silent_corruption_would_be_committed()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var options = new EngineModelOptions();
        options.Faults.CorruptPage("{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb", pgno: 77, silent: true);
        await using var sink = new DirectorySink(destination);
        var result = await new StreamingBackup(EngineModel.Open(instance, options), sink, new StreamingBackupOptions { CreateVerifier = null }).RunAsync(BackupKind.Copy);
        Assert.That(result.Manifest.Files, Has.Count.GreaterThan(0), "this is why the check is on by default");
    }

    [Test]
    public async Task The_manifest_records_database_header_facts()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var result = await Run(EngineModel.Open(instance), destination, BackupKind.Full);
        Assert.That(result.Manifest.Databases, Has.Count.EqualTo(2));
        Assert.That(result.Manifest.Databases.Select(d => d.LogSignature), Is.All.EqualTo("0000fced"));
        Assert.That(result.Manifest.Databases.Select(d => d.PageSize), Is.All.EqualTo(4096));
        Assert.That(result.Manifest.Databases.Select(d => d.HasTrailerPage), Is.All.True);
        Assert.That(result.Manifest.Files.Where(f => f.Kind == BackupFileKind.Log).Select(f => f.Generation), Is.All.Not.Null);
    }

    [Test]
    public async Task Transient_sink_faults_are_retried_and_the_backup_completes_with_identical_bytes()
    {
        var (scratch, instance, destination) = Setup();
        using var _ = scratch;
        var faulty = new FaultySink(new DirectorySink(destination)) { FailWrites = 4, FailCommits = 1, Fault = () => new ExternalBackup.Sinks.Resilience.TransientSinkException("503 SlowDown") };
        await using var sink = new ExternalBackup.Sinks.Resilience.ResilientSink(faulty, new ExternalBackup.Sinks.Resilience.SinkResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1) });
        var engine = EngineModel.Open(instance);
        var result = await new StreamingBackup(engine, sink).RunAsync(BackupKind.Full);

        Assert.That(sink.Retries, Is.EqualTo(5));
        Assert.That(result.LogsTruncated, Is.True);
        foreach (var file in result.Manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(destination, result.Manifest.SetId, file.Path));
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.Sha256), file.Path);
        }
    }
}
