using ExternalBackup.Manifest;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

[TestFixture]
public sealed class S3SinkResumeTests
{
    private const int MiB = 1024 * 1024;

    private static IReadOnlyList<SourceFile> Files() =>
    [
        new("db/first.edb", SetWriter.RandomBytes((4 * 5 * MiB) + 777, seed: 21), BackupFileKind.Database),
        new("logs/edb00001.log", SetWriter.RandomBytes(MiB, seed: 22), BackupFileKind.Log),
        new("db/second.edb", SetWriter.RandomBytes((5 * 5 * MiB) + 99, seed: 23), BackupFileKind.Database),
    ];

    [TestCase(false, TestName = "Interrupted_set_resumes_without_resending_acknowledged_parts(journal in the store)")]
    [TestCase(true, TestName = "Interrupted_set_resumes_without_resending_acknowledged_parts(local journal file)")]
    public async Task Interrupted_set_resumes_without_resending_acknowledged_parts(bool localJournal)
    {
        using var scratch = new ScratchDirectory("s3-resume");
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint) with { JournalDirectory = localJournal ? scratch.Path : null };
        var files = Files();
        var set = SetWriter.Descriptor("20261122T042000000Z-full");

        // Run 1: the first two files complete, the third stops after 3 of its 6 parts; then the process "dies"
        // (the sink is disposed without commit or abort).
        await using (var first = new S3Sink(options))
        {
            await first.BeginSetAsync(set, CancellationToken.None);
            await SetWriter.WriteFileAsync(first, files[0], chunkSize: 512 * 1024);
            await SetWriter.WriteFileAsync(first, files[1], chunkSize: 512 * 1024);
            await SetWriter.WriteFileAsync(first, files[2], chunkSize: 512 * 1024, stopAfter: (3 * 5 * MiB) + 1000);
        }

        var acknowledged = proxy.AcknowledgedParts();
        Assert.That(acknowledged, Has.Count.EqualTo(5 + 3), "run 1 had 5 parts of the first file and 3 of the third acknowledged");
        Assert.That(await store.KeysAsync($"backups/{set.SetId}/manifest.json"), Is.Empty, "an interrupted set has no manifest");
        var before = proxy.Log.Count;

        // Run 2: same set id, same files from the start.
        await using (var second = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(second, set, files, chunkSize: 300 * 1024);
            Assert.That(second.IsResumed, Is.True);
            Assert.That(second.Statistics.PartsSkipped, Is.EqualTo(8));
            Assert.That(second.Statistics.FilesSkipped, Is.EqualTo(2), "the first file (completed in run 1, every part matching) and the small log file are not sent again");
        }

        var resent = proxy.Log.Skip(before).Where(e => e.Request.IsUploadPart).Select(e => (e.Request.UploadId, e.Request.PartNumber)).ToList();
        Assert.That(resent.Intersect(acknowledged), Is.Empty, "no acknowledged part is sent twice");
        Assert.That(resent.Select(p => p.PartNumber).Order(), Is.EqualTo(new[] { 4, 5, 6 }), "only the missing parts of the third file are sent");

        // Byte-identical objects, and the same multipart layout as an uninterrupted run.
        var reference = SetWriter.Descriptor("20261122T042100000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions()))
        {
            await SetWriter.WriteSetAsync(sink, reference, files, chunkSize: 1 << 20);
        }

        foreach (var file in files)
        {
            var resumedKey = $"backups/{set.SetId}/{file.Path}";
            Assert.That(await store.ReadAsync(resumedKey), Is.EqualTo(file.Bytes), file.Path);
            Assert.That(await store.ETagAsync(resumedKey), Is.EqualTo(await store.ETagAsync($"backups/{reference.SetId}/{file.Path}")), file.Path);
        }

        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
        Assert.That(await store.KeysAsync($"backups/{set.SetId}.journal.json"), Is.Empty, "the journal is removed at commit");
        if (localJournal)
        {
            Assert.That(System.IO.Directory.EnumerateFiles(scratch.Path), Is.Empty);
        }
    }

    [Test]
    public async Task Hard_stop_without_dispose_resumes_from_what_the_store_acknowledged()
    {
        await using var store = await S3TestStore.CreateAsync();
        var files = Files();
        var set = SetWriter.Descriptor("20261122T042300000Z-full");
        var firstProxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(firstProxy.Endpoint) with { Retry = store.SinkOptions().Retry with { MaxRetryAttempts = 1 } };

        // Run 1 "dies": the network goes away mid-file (the proxy stops, connections reset) and the sink is
        // abandoned: no dispose, no drain, no final journal save.
        var first = new S3Sink(options);
        await first.BeginSetAsync(set, CancellationToken.None);
        await SetWriter.WriteFileAsync(first, files[0], chunkSize: 512 * 1024, stopAfter: (3 * 5 * MiB) + 10);
        await WaitUntilAsync(() => firstProxy.AcknowledgedParts().Count >= 2);
        await firstProxy.DisposeAsync();
        var acknowledged = firstProxy.AcknowledgedParts();
        GC.KeepAlive(first);

        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        await using (var second = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            await SetWriter.WriteSetAsync(second, set, files, chunkSize: 1 << 20);
            Assert.That(second.Statistics.PartsSkipped, Is.GreaterThanOrEqualTo(acknowledged.Count));
        }

        var sent = proxy.Log.Where(e => e.Request.IsUploadPart).Select(e => (e.Request.UploadId, e.Request.PartNumber)).ToList();
        Assert.That(acknowledged, Is.Not.Empty);
        Assert.That(sent.Intersect(acknowledged), Is.Empty, "parts the store acknowledged before the stop are not sent again");
        foreach (var file in files)
        {
            Assert.That(await store.ReadAsync($"backups/{set.SetId}/{file.Path}"), Is.EqualTo(file.Bytes), file.Path);
        }

        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Completed_object_changed_on_resume_copies_its_matching_parts_within_the_store()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint);
        var original = new SourceFile("db/done.edb", SetWriter.RandomBytes((3 * 5 * MiB) + 123, seed: 61), BackupFileKind.Database);
        var other = new SourceFile("db/next.edb", SetWriter.RandomBytes(3 * 5 * MiB, seed: 62), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T042400000Z-full");

        // Run 1: the first file is complete (its object completed in the store), the second is cut short.
        await using (var first = new S3Sink(options))
        {
            await first.BeginSetAsync(set, CancellationToken.None);
            await SetWriter.WriteFileAsync(first, original, chunkSize: 1 << 20);
            await SetWriter.WriteFileAsync(first, other, chunkSize: 1 << 20, stopAfter: 6 * MiB);
        }

        Assert.That(await store.ReadAsync($"backups/{set.SetId}/{original.Path}"), Is.EqualTo(original.Bytes), "run 1 completed the first object");

        // The database changed between the runs: one byte in part 3 of 4.
        var changed = original with { Bytes = (byte[])original.Bytes.Clone() };
        changed.Bytes[(2 * 5 * MiB) + 7] ^= 0x5A;
        var before = proxy.Log.Count;
        await using (var second = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(second, set, [changed, other], chunkSize: 1 << 20);
            Assert.That(second.Statistics.PartsSkipped, Is.EqualTo(3 + 1), "parts 1, 2 and 4 of the first file, part 1 of the second");
        }

        var run2 = proxy.Log.Skip(before).Select(e => e.Request).Where(r => r.Path.EndsWith(original.Path, StringComparison.Ordinal)).ToList();
        Assert.That(run2.Where(r => r.IsUploadPart).Select(r => r.PartNumber), Is.EqualTo(new[] { 3 }), "only the changed part's bytes are sent");
        Assert.That(run2.Where(r => r.IsCopyPart).Select(r => r.PartNumber).Order(), Is.EqualTo(new[] { 1, 2, 4 }), "the others are copied within the store");
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/{original.Path}"), Is.EqualTo(changed.Bytes));
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/{other.Path}"), Is.EqualTo(other.Bytes));
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Object_completed_just_before_the_stop_is_recognised_and_not_sent_again()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint);
        var file = new SourceFile("db/only.edb", SetWriter.RandomBytes((2 * 5 * MiB) + 9, seed: 71), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T042500000Z-full");

        // The journal is saved with every part just before the completion; the completed state is only saved by a
        // later change, which never comes here: run 2 starts from a journal naming an upload that no longer exists.
        await using (var first = new S3Sink(options))
        {
            await first.BeginSetAsync(set, CancellationToken.None);
            await SetWriter.WriteFileAsync(first, file, chunkSize: 1 << 20);
        }

        Assert.That(await store.OpenUploadsAsync(""), Is.Empty, "run 1 completed its only upload");
        var before = proxy.Log.Count;
        await using (var second = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(second, set, [file], chunkSize: 1 << 20);
            Assert.That(second.Statistics.FilesSkipped, Is.EqualTo(1));
            Assert.That(second.Statistics.PartsSkipped, Is.EqualTo(3));
        }

        var run2 = proxy.Log.Skip(before).Select(e => e.Request).ToList();
        Assert.That(run2.Where(r => r.IsUploadPart || r.IsCopyPart || r.IsCompleteUpload), Is.Empty, "nothing of the file is sent or rebuilt");
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/{file.Path}"), Is.EqualTo(file.Bytes));
        Assert.That(await store.KeysAsync($"backups/{set.SetId}/manifest.json"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_small_file_already_put_stays_recorded_when_a_resumed_run_announces_it_larger_and_stops_again()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint);
        var file = new SourceFile("db/small.edb", SetWriter.RandomBytes((2 * MiB) + 3, seed: 91), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T042600000Z-full");
        var key = $"backups/{set.SetId}/{file.Path}";

        // Run 1 puts the file whole and stops.
        await using (var first = new S3Sink(options))
        {
            await first.BeginSetAsync(set, CancellationToken.None);
            await SetWriter.WriteFileAsync(first, file, chunkSize: 1 << 20);
        }

        // Run 2 is told the file is four parts long (a database that was larger when opened), starts a multipart
        // upload early, finds the same bytes already stored, skips the file and stops again.
        await using (var second = new S3Sink(options))
        {
            await second.BeginSetAsync(set, CancellationToken.None);
            var announcedLarger = new BackupFileDescriptor(file.Path, file.Kind, 4L * options.MinimumPartSize, "/source/" + file.Path);
            await second.OpenFileAsync(announcedLarger, CancellationToken.None);
            await second.WriteAsync(new BackupChunk(0, file.Bytes), CancellationToken.None);
            await second.CompleteFileAsync(new CompletedFile(announcedLarger, file.Bytes.Length, file.Sha256), CancellationToken.None);
            Assert.That(second.Statistics.FilesSkipped, Is.EqualTo(1));
        }

        Assert.That(proxy.Log.Count(e => e.Request.Method == "POST" && e.Request.Query.ContainsKey("uploads")), Is.EqualTo(1), "run 2 started an upload early");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty, "and dropped it");

        // Run 3 still knows the object is there.
        var before = proxy.Log.Count;
        await using (var third = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(third, set, [file], chunkSize: 1 << 20);
            Assert.That(third.Statistics.FilesSkipped, Is.EqualTo(1));
            Assert.That(third.Statistics.ObjectsPut, Is.Zero);
        }

        Assert.That(proxy.Log.Skip(before).Where(e => e.Request.IsPutObject && e.Request.Path.EndsWith(file.Path, StringComparison.Ordinal)), Is.Empty,
            "the file is not sent a second time");
        Assert.That(await store.ReadAsync(key), Is.EqualTo(file.Bytes));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.That(condition(), "condition not reached in 30 s");
    }

    [Test]
    public async Task Changed_bytes_on_resume_are_sent_again_and_the_result_matches_the_new_bytes()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint);
        var original = new SourceFile("db/page.edb", SetWriter.RandomBytes((3 * 5 * MiB) + 5, seed: 31), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T042200000Z-full");
        await using (var first = new S3Sink(options))
        {
            await first.BeginSetAsync(set, CancellationToken.None);
            await SetWriter.WriteFileAsync(first, original, chunkSize: 1 << 20, stopAfter: 2 * 5 * MiB);
        }

        // The database changed between the runs: one byte in part 2.
        var changed = original with { Bytes = (byte[])original.Bytes.Clone() };
        changed.Bytes[(5 * MiB) + 10] ^= 0xFF;
        var before = proxy.Log.Count;
        await using (var second = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(second, set, [changed], chunkSize: 1 << 20);
            Assert.That(second.Statistics.PartsSkipped, Is.EqualTo(1));
        }

        Assert.That(proxy.Log.Skip(before).Where(e => e.Request.IsUploadPart).Select(e => e.Request.PartNumber).Order(), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/db/page.edb"), Is.EqualTo(changed.Bytes));
    }

    [Test]
    public async Task Stale_uploads_under_the_prefix_are_aborted_and_others_are_left_alone()
    {
        await using var store = await S3TestStore.CreateAsync();
        var file = new SourceFile("db/orphan.edb", SetWriter.RandomBytes(3 * 5 * MiB, seed: 41), BackupFileKind.Database);
        await using (var interrupted = new S3Sink(store.SinkOptions()))
        {
            await interrupted.BeginSetAsync(SetWriter.Descriptor("20261122T043000000Z-full"), CancellationToken.None);
            await SetWriter.WriteFileAsync(interrupted, file, chunkSize: 1 << 20, stopAfter: 6 * MiB);
        }

        var foreign = await store.Client.InitiateMultipartUploadAsync(store.Bucket, "elsewhere/not-ours.bin");
        Assert.That(await store.OpenUploadsAsync("backups/"), Has.Count.EqualTo(1));

        // Two hours later (the store rounds upload times to whole seconds, so "now" would be too close to call).
        await using (var next = new S3Sink(store.SinkOptions() with { StaleUploadAge = TimeSpan.FromHours(1) }, timeProvider: new ShiftedTime(TimeSpan.FromHours(2))))
        {
            await next.BeginSetAsync(SetWriter.Descriptor("20261122T043100000Z-full"), CancellationToken.None);
            Assert.That(next.StaleUploadsAborted, Is.EqualTo(1));
            await next.AbortAsync(CancellationToken.None);
        }

        Assert.That(await store.OpenUploadsAsync("backups/"), Is.Empty);
        Assert.That((await store.OpenUploadsAsync("elsewhere/")).Select(u => u.UploadId), Is.EqualTo(new[] { foreign.UploadId }));
    }

    [Test]
    public async Task Recent_uploads_are_kept_by_the_default_stale_age()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using (var interrupted = new S3Sink(store.SinkOptions()))
        {
            await interrupted.BeginSetAsync(SetWriter.Descriptor("20261122T043200000Z-full"), CancellationToken.None);
            await SetWriter.WriteFileAsync(interrupted, new SourceFile("x.edb", SetWriter.RandomBytes(2 * 5 * MiB, seed: 51)), chunkSize: 1 << 20, stopAfter: 6 * MiB);
        }

        await using var next = new S3Sink(store.SinkOptions());
        await next.BeginSetAsync(SetWriter.Descriptor("20261122T043300000Z-full"), CancellationToken.None);
        Assert.That(next.StaleUploadsAborted, Is.Zero);
        Assert.That(await store.OpenUploadsAsync("backups/"), Has.Count.EqualTo(1));
        await next.AbortAsync(CancellationToken.None);
    }

    /// <summary>The system clock moved forward: wall-clock time only; timers and timestamps stay real.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
