using System.Diagnostics;
using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Telemetry;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;
using ExternalBackup.Tests.Sinks.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.Telemetry;

/// <summary>The spans and instruments of <see cref="ExternalBackupTelemetry"/>, seen by an ActivityListener and a MeterListener.</summary>
public sealed class TelemetryTests
{
    private static readonly (string, string) Backup = (TelemetryTags.Operation, TelemetryTags.Backup);
    private static readonly (string, string) Restore = (TelemetryTags.Operation, TelemetryTags.Restore);

    [Test]
    public async Task A_backup_has_a_span_with_one_child_per_file_and_counts_its_bytes_files_and_duration_and_so_does_its_restore()
    {
        using var scratch = new ScratchDirectory("telemetry");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-08T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture)) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        using var recorder = new TelemetryRecorder();

        BackupResult result;
        await using (var sink = new DirectorySink(destination))
        {
            result = await new StreamingBackup(EngineModel.Open(instance), sink, new StreamingBackupOptions { TimeProvider = time }).RunAsync(BackupKind.Full);
        }

        var manifest = result.Manifest;
        var backup = recorder.Spans(ExternalBackupTelemetry.BackupActivity).Single();
        Assert.Multiple(() =>
        {
            Assert.That(backup.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(backup.GetTagItem(TelemetryTags.SetId), Is.EqualTo(manifest.SetId));
            Assert.That(backup.GetTagItem(TelemetryTags.Kind), Is.EqualTo("full"));
            Assert.That(backup.GetTagItem(TelemetryTags.Instance), Is.EqualTo(manifest.Instance));
            Assert.That(backup.GetTagItem(TelemetryTags.Files), Is.EqualTo(manifest.Files.Count));
            Assert.That(backup.GetTagItem(TelemetryTags.LogsTruncated), Is.EqualTo(result.LogsTruncated));
        });

        var files = recorder.Spans(ExternalBackupTelemetry.FileActivity);
        Assert.That(files.Select(f => f.GetTagItem(TelemetryTags.Path)), Is.EqualTo(manifest.Files.Select(f => f.Path)), "one span per stored file, in order");
        Assert.That(files.Select(f => f.GetTagItem(TelemetryTags.Bytes)), Is.EqualTo(manifest.Files.Select(f => (object)f.Bytes)));
        Assert.That(files.All(f => f.ParentSpanId == backup.SpanId && f.TraceId == backup.TraceId), Is.True, "each file's span is a child of the backup's");

        var databaseBytes = manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Sum(f => f.Bytes);
        Assert.Multiple(() =>
        {
            Assert.That(recorder.Sum(ExternalBackupTelemetry.BytesCounter, Backup), Is.EqualTo(manifest.Files.Sum(f => f.Bytes)));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.BytesCounter, Backup, (TelemetryTags.FileKind, "database")), Is.EqualTo(databaseBytes));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.FilesCounter, Backup), Is.EqualTo(manifest.Files.Count));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.FilesCounter, Backup, (TelemetryTags.FileKind, "log")), Is.EqualTo(manifest.Files.Count(f => f.Kind == BackupFileKind.Log)));
        });
        var duration = recorder.Of(ExternalBackupTelemetry.DurationHistogram, Backup).Single();
        Assert.That(duration.Tags[TelemetryTags.Outcome], Is.EqualTo(TelemetryTags.Success));
        Assert.That(duration.Tags[TelemetryTags.Kind], Is.EqualTo("full"));
        Assert.That(duration.Value, Is.GreaterThanOrEqualTo((manifest.CompletedUtc - manifest.StartedUtc).TotalSeconds).And.GreaterThan(0), "measured on the backup's clock, which the fake moved on");

        var target = Path.Combine(scratch.Path, "restored");
        var plan = await ChainRestore.RestoreAsync(new ExternalBackup.Repository.DirectoryRepository(destination), target, null, new RestoreOptions { TimeProvider = time }, CancellationToken.None);
        var restored = Directory.GetFiles(target, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p) != RestorePlan.FileName).ToList();
        var restore = recorder.Spans(ExternalBackupTelemetry.RestoreActivity).Single();
        Assert.Multiple(() =>
        {
            Assert.That(restore.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(restore.GetTagItem(TelemetryTags.SetId), Is.EqualTo(plan.Sets[^1]));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.BytesCounter, Restore), Is.EqualTo(restored.Sum(p => new FileInfo(p).Length)));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.FilesCounter, Restore), Is.EqualTo(restored.Count));
            Assert.That(recorder.Of(ExternalBackupTelemetry.DurationHistogram, Restore).Single().Tags[TelemetryTags.Outcome], Is.EqualTo(TelemetryTags.Success));
        });
    }

    [Test]
    public async Task A_failed_backup_ends_its_span_and_the_file_s_in_error_and_a_cancelled_one_is_counted_as_cancelled()
    {
        using var scratch = new ScratchDirectory("telemetry");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        using var recorder = new TelemetryRecorder();
        await using (var sink = new FaultySink(new DirectorySink(scratch.Sub("denied"))) { FailWrites = int.MaxValue, Fault = () => new UnauthorizedAccessException("access denied") })
        {
            Assert.ThrowsAsync<UnauthorizedAccessException>(async () => await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(BackupKind.Full));
        }

        var backup = recorder.Spans(ExternalBackupTelemetry.BackupActivity).Single();
        var file = recorder.Spans(ExternalBackupTelemetry.FileActivity).Single();
        Assert.Multiple(() =>
        {
            Assert.That(backup.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(backup.StatusDescription, Is.EqualTo("access denied"));
            Assert.That(backup.GetTagItem(TelemetryTags.ErrorType), Is.EqualTo(typeof(UnauthorizedAccessException).FullName));
            Assert.That(file.Status, Is.EqualTo(ActivityStatusCode.Error), "the file being written when it failed");
            Assert.That(file.ParentSpanId, Is.EqualTo(backup.SpanId));
            Assert.That(recorder.Sum(ExternalBackupTelemetry.FilesCounter, Backup), Is.Zero, "nothing was stored");
            Assert.That(recorder.Of(ExternalBackupTelemetry.DurationHistogram, Backup).Single().Tags[TelemetryTags.Outcome], Is.EqualTo(TelemetryTags.Failure));
        });

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using (var sink = new DirectorySink(scratch.Sub("cancelled")))
        {
            Assert.CatchAsync<OperationCanceledException>(async () => await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(BackupKind.Full, null, cancelled.Token));
        }

        Assert.That(recorder.Of(ExternalBackupTelemetry.DurationHistogram, Backup).Select(m => m.Tags[TelemetryTags.Outcome]), Is.EqualTo(new[] { TelemetryTags.Failure, TelemetryTags.Cancelled }));
    }

    [Test]
    public async Task Each_retry_of_a_sink_call_is_counted_with_its_sink_and_cause_and_marked_on_the_current_span()
    {
        var time = new FakeClock();
        using var recorder = new TelemetryRecorder();
        // No real I/O under the fake clock: it moves only while the call waits for it.
        var flaky = new FaultySink(new NullSink()) { FailWrites = 2, Fault = () => new TransientSinkException("503 SlowDown") };
        await using var sink = new ResilientSink(flaky, new SinkResilienceOptions { UseJitter = false }, timeProvider: time);
        using var current = new Activity("integrator's operation").Start();

        var (_, failure) = await time.RunAsync(() => DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", RandomNumberGenerator.GetBytes(100))), TimeSpan.FromMilliseconds(100));

        Assert.That(failure, Is.Null);
        var retries = recorder.Of(ExternalBackupTelemetry.RetriesCounter, (TelemetryTags.Sink, nameof(FaultySink)), (TelemetryTags.ErrorType, typeof(TransientSinkException).FullName!));
        Assert.That(retries.Sum(m => m.Value), Is.EqualTo(2).And.EqualTo(sink.Retries));
        var events = current.Events.Where(e => e.Name == "retry").ToList();
        Assert.That(events.Select(e => e.Tags.Single(t => t.Key == "externalbackup.retry.attempt").Value), Is.EqualTo(new object[] { 1, 2 }));
    }
}
