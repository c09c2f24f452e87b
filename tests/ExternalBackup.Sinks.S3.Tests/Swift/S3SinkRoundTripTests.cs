using ExternalBackup.Manifest;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

[TestFixture]
public sealed class S3SinkRoundTripTests
{
    [Test]
    public async Task Corpus_log_set_round_trips_byte_identically_with_the_manifest_last_and_listed()
    {
        using var scratch = new ScratchDirectory("s3-roundtrip");
        var files = SetWriter.FromDirectory(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch));
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var set = SetWriter.Descriptor("20261122T040000000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            var manifest = await SetWriter.WriteSetAsync(sink, set, files, chunkSize: 50_000);
            var listed = await sink.ListSetsAsync(CancellationToken.None);
            Assert.That(listed.Select(m => m.SetId), Is.EqualTo(new[] { set.SetId }));
            Assert.That(listed[0].Files.Select(f => f.Sha256), Is.EqualTo(manifest.Files.Select(f => f.Sha256)));
        }

        Assert.That(files, Has.Count.GreaterThan(5));
        foreach (var file in files)
        {
            Assert.That(await store.ReadAsync($"backups/{set.SetId}/{file.Path}"), Is.EqualTo(file.Bytes), file.Path);
        }

        var keys = await store.KeysAsync("backups/");
        Assert.That(keys, Is.EquivalentTo(files.Select(f => $"backups/{set.SetId}/{f.Path}").Append($"backups/{set.SetId}/manifest.json")),
            "the set holds its files and manifest, and the resume journal is gone");
        var puts = proxy.Log.Where(e => e.Request.Method == "PUT" && e.DeliveredStatus == 200 && e.Request.Path.Contains(set.SetId + "/", StringComparison.Ordinal)).ToList();
        Assert.That(puts[^1].Request.Path, Does.EndWith("/manifest.json"), "the manifest is the last object written");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Large_file_goes_up_as_concurrent_multipart_parts_within_the_buffer_bound()
    {
        await using var store = await S3TestStore.CreateAsync();
        var big = new SourceFile("db/big.edb", SetWriter.RandomBytes((8 * 5 * 1024 * 1024) - 12345, seed: 7), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T040100000Z-full");
        var options = store.SinkOptions();
        await using (var sink = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(sink, set, [big], chunkSize: 1 << 20);
            var stats = sink.Statistics;
            Assert.That(stats.PartsUploaded, Is.EqualTo(8));
            Assert.That(stats.BufferBytes, Is.LessThanOrEqualTo((options.MaxConcurrentUploads + 1L) * options.MinimumPartSize));
        }

        var key = $"backups/{set.SetId}/db/big.edb";
        Assert.That(await store.ETagAsync(key), Does.EndWith("-8"), "one multipart object of 8 parts");
        Assert.That(await store.ReadAsync(key), Is.EqualTo(big.Bytes));
    }

    [Test]
    public async Task A_file_of_exactly_one_part_goes_up_with_one_put_and_one_of_exactly_two_parts_as_two_parts()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var options = store.SinkOptions(proxy.Endpoint);
        var one = new SourceFile("db/one.edb", SetWriter.RandomBytes(options.MinimumPartSize, seed: 11), BackupFileKind.Database);
        var two = new SourceFile("db/two.edb", SetWriter.RandomBytes(2 * options.MinimumPartSize, seed: 12), BackupFileKind.Database);
        var set = SetWriter.Descriptor("20261122T040150000Z-full");
        await using (var sink = new S3Sink(options))
        {
            await SetWriter.WriteSetAsync(sink, set, [one, two], chunkSize: 1 << 20);
            Assert.That(sink.Statistics.ObjectsPut, Is.EqualTo(1), "the one-part file, with one PutObject");
            Assert.That(sink.Statistics.PartsUploaded, Is.EqualTo(2), "the two-part file's parts");
        }

        var initiations = proxy.Log.Where(e => e.Request.Method == "POST" && e.Request.Query.ContainsKey("uploads")).Select(e => e.Request.Path).ToList();
        Assert.That(initiations, Has.Count.EqualTo(1).And.All.EndsWith("/db/two.edb"), "only the two-part file starts a multipart upload");
        Assert.That(await store.ETagAsync($"backups/{set.SetId}/db/two.edb"), Does.EndWith("-2"));
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/db/one.edb"), Is.EqualTo(one.Bytes));
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/db/two.edb"), Is.EqualTo(two.Bytes));
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Log_sized_files_go_up_as_one_put_each_and_an_aborted_set_of_them_leaves_nothing()
    {
        const int MiB = 1024 * 1024;
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var logs = Enumerable.Range(1, 4).Select(i => new SourceFile($"logs/edb{i:X5}.log", SetWriter.RandomBytes((i * MiB) + i, seed: 80 + i), BackupFileKind.Log)).ToList();
        var set = SetWriter.Descriptor("20261122T040400000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            await SetWriter.WriteSetAsync(sink, set, logs, chunkSize: 256 * 1024);
            Assert.That(sink.Statistics.ObjectsPut, Is.EqualTo(logs.Count), "one PutObject per file below the part size");
            Assert.That(sink.Statistics.PartsUploaded, Is.Zero);
        }

        Assert.That(proxy.Log.Where(e => e.Request.IsUploadPart || (e.Request.Method == "POST" && e.Request.Query.ContainsKey("uploads"))), Is.Empty,
            "no multipart upload is started for a file announced below the part size");
        foreach (var log in logs)
        {
            Assert.That(await store.ReadAsync($"backups/{set.SetId}/{log.Path}"), Is.EqualTo(log.Bytes), log.Path);
        }

        var aborted = SetWriter.Descriptor("20261122T040500000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            await sink.BeginSetAsync(aborted, CancellationToken.None);
            await SetWriter.WriteFileAsync(sink, logs[0], chunkSize: 256 * 1024);
            await SetWriter.WriteFileAsync(sink, logs[1], chunkSize: 256 * 1024);
            await SetWriter.WriteFileAsync(sink, logs[2], chunkSize: 256 * 1024, stopAfter: MiB);
            await sink.AbortAsync(CancellationToken.None);
        }

        Assert.That(await store.KeysAsync($"backups/{aborted.SetId}"), Is.Empty, "no object, manifest or journal of the aborted set");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task File_announced_larger_than_a_part_that_ends_within_one_is_put_whole_and_leaves_no_upload()
    {
        const int MiB = 1024 * 1024;
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var bytes = SetWriter.RandomBytes((2 * MiB) + 3, seed: 90);
        var set = SetWriter.Descriptor("20261122T040600000Z-full");
        var descriptor = new BackupFileDescriptor("db/shrunk.edb", BackupFileKind.Database, 20L * MiB, "/source/db/shrunk.edb");
        var file = new SourceFile(descriptor.Path, bytes, BackupFileKind.Database);
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            await sink.BeginSetAsync(set, CancellationToken.None);
            await sink.OpenFileAsync(descriptor, CancellationToken.None);
            await sink.WriteAsync(new BackupChunk(0, bytes), CancellationToken.None);
            await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, file.Sha256), CancellationToken.None);
            await sink.CommitAsync(SetWriter.Manifest(set, [file]), CancellationToken.None);
            Assert.That(sink.Statistics.ObjectsPut, Is.EqualTo(1), "the file, with one PutObject");
        }

        Assert.That(proxy.Log.Count(e => e.Request.Method == "POST" && e.Request.Query.ContainsKey("uploads")), Is.EqualTo(1),
            "the announced size started a multipart upload early");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty, "and it was aborted once the file turned out to fit in one part");
        Assert.That(await store.ReadAsync($"backups/{set.SetId}/{file.Path}"), Is.EqualTo(bytes));
    }

    [Test]
    public async Task Full_and_incremental_sets_are_listed_oldest_first()
    {
        await using var store = await S3TestStore.CreateAsync();
        var full = SetWriter.Descriptor("20261122T040200000Z-full");
        var incremental = SetWriter.Descriptor("20261122T050200000Z-incremental", BackupKind.Incremental) with { StartedUtc = full.StartedUtc.AddHours(1) };
        await using (var sink = new S3Sink(store.SinkOptions()))
        {
            await SetWriter.WriteSetAsync(sink, full, [new SourceFile("edb00001.log", SetWriter.RandomBytes(1 << 20, 1), BackupFileKind.Log)]);
        }

        await using (var sink = new S3Sink(store.SinkOptions()))
        {
            await SetWriter.WriteSetAsync(sink, incremental, [new SourceFile("edb00002.log", SetWriter.RandomBytes(1 << 20, 2), BackupFileKind.Log)]);
            var listed = await sink.ListSetsAsync(CancellationToken.None);
            Assert.That(listed.Select(m => (m.SetId, m.Kind)), Is.EqualTo(new[] { (full.SetId, BackupKind.Full), (incremental.SetId, BackupKind.Incremental) }));
        }
    }

    [Test]
    public async Task A_committed_set_id_cannot_be_begun_again()
    {
        await using var store = await S3TestStore.CreateAsync();
        var set = SetWriter.Descriptor("20261122T040300000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions()))
        {
            await SetWriter.WriteSetAsync(sink, set, [new SourceFile("a.log", [1, 2, 3])]);
        }

        await using var again = new S3Sink(store.SinkOptions());
        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await again.BeginSetAsync(set, CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("already committed"));
    }
}
