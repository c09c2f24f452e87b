using Amazon.S3;
using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

[TestFixture]
public sealed class S3SinkFaultTests
{
    private static IReadOnlyList<SourceFile> Files() =>
    [
        new("db/data.edb", SetWriter.RandomBytes((3 * 5 * 1024 * 1024) + 4321, seed: 11), BackupFileKind.Database),
        new("logs/edb00001.log", SetWriter.RandomBytes(1 << 20, seed: 12), BackupFileKind.Log),
        new("logs/edb00002.log", SetWriter.RandomBytes(1 << 20, seed: 13), BackupFileKind.Log),
    ];

    [Test]
    public async Task Transient_faults_end_in_a_correct_set()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint) { StallFor = TimeSpan.FromSeconds(30) };
        // One of each fault, each on the first request it fits.
        var pending = new Queue<Fault>([Fault.SlowDown(retryAfterSeconds: 1), Fault.InternalError, Fault.Drop, Fault.Stall, Fault.LoseResponse]);
        var putFaulted = false;
        var completeFaulted = false;
        var gate = new Lock();
        proxy.Script = request =>
        {
            lock (gate)
            {
                if (request.IsUploadPart && pending.Count > 0)
                {
                    return pending.Dequeue();
                }

                if (request.IsPutObject && request.Path.EndsWith(".log", StringComparison.Ordinal) && !putFaulted)
                {
                    putFaulted = true;
                    return Fault.InternalError;
                }

                if (request.IsCompleteUpload && !completeFaulted)
                {
                    completeFaulted = true;
                    return Fault.LoseResponse;
                }

                return Fault.Forward;
            }
        };

        var files = Files();
        var set = SetWriter.Descriptor("20261122T041000000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            await SetWriter.WriteSetAsync(sink, set, files, chunkSize: 256 * 1024);
        }

        var faults = proxy.Log.Select(e => e.Fault).ToList();
        Assert.That(faults, Does.Contain(FaultKind.Status).And.Contain(FaultKind.Drop).And.Contain(FaultKind.Stall).And.Contain(FaultKind.LoseResponse));
        Assert.That(completeFaulted && putFaulted && pending.Count == 0, "every scripted fault was hit");
        foreach (var file in files)
        {
            Assert.That(await store.ReadAsync($"backups/{set.SetId}/{file.Path}"), Is.EqualTo(file.Bytes), file.Path);
        }

        var manifest = ManifestJson.Deserialize(await store.ReadAsync($"backups/{set.SetId}/manifest.json"), "manifest");
        Assert.That(manifest.Files.Select(f => f.Sha256), Is.EqualTo(files.Select(f => f.Sha256)));
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty, "no multipart upload left open");
    }

    [Test]
    public async Task Permanent_fault_fails_the_set_without_manifest_objects_or_open_uploads()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        proxy.Script = request => request.IsUploadPart && request.PartNumber == 2 ? Fault.AccessDenied : Fault.Forward;
        var set = SetWriter.Descriptor("20261122T041100000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            var error = Assert.ThrowsAsync<IOException>(async () => await SetWriter.WriteSetAsync(sink, set, Files(), chunkSize: 256 * 1024));
            Assert.That(error!.Message, Does.Contain("db/data.edb").And.Contain("part 2 ").And.Contain("AccessDenied"));
        }

        var denied = proxy.Log.Count(e => e.Request.IsUploadPart && e.Request.PartNumber == 2);
        Assert.That(denied, Is.EqualTo(1), "access denied is not retried");
        Assert.That(await store.KeysAsync(""), Is.Empty, "no manifest, no objects, no journal");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty, "the failed file's multipart upload was aborted");
        Assert.That(proxy.Log.Any(e => e.Request.Method == "DELETE" && e.Request.Query.ContainsKey("uploadId") && e.DeliveredStatus is >= 200 and < 300),
            "the upload was aborted with AbortMultipartUpload");
    }

    [Test]
    public async Task A_completion_answered_no_such_upload_with_no_object_behind_it_fails_naming_the_file()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        // The store says the upload is gone, as it does when an earlier attempt completed it, but no object is there.
        proxy.Script = request => request.IsCompleteUpload ? new Fault(FaultKind.Status, 404, "NoSuchUpload") : Fault.Forward;
        var set = SetWriter.Descriptor("20261122T041150000Z-full");
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            var error = Assert.ThrowsAsync<IOException>(async () => await SetWriter.WriteSetAsync(sink, set, Files(), chunkSize: 256 * 1024));
            Assert.That(error!.Message, Does.Contain("db/data.edb").And.Contain("no such upload").And.Contain("could not be read"));
        }

        Assert.That(await store.KeysAsync($"backups/{set.SetId}/manifest.json"), Is.Empty, "a failed set has no manifest");
    }

    [Test]
    public async Task Server_errors_beyond_the_retry_limit_fail_the_set_cleanly()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        proxy.Script = request => request.IsPutObject && request.Path.EndsWith("edb00002.log", StringComparison.Ordinal) ? Fault.SlowDown(retryAfterSeconds: null) : Fault.Forward;
        var options = store.SinkOptions(proxy.Endpoint) with { Retry = store.SinkOptions().Retry with { MaxRetryAttempts = 3 } };
        var set = SetWriter.Descriptor("20261122T041200000Z-full");
        await using (var sink = new S3Sink(options))
        {
            var error = Assert.ThrowsAsync<IOException>(async () => await SetWriter.WriteSetAsync(sink, set, Files(), chunkSize: 256 * 1024));
            Assert.That(error!.Message, Does.Contain("edb00002.log"));
        }

        Assert.That(proxy.Log.Count(e => e.Request.IsPutObject && e.Request.Path.EndsWith("edb00002.log", StringComparison.Ordinal)), Is.EqualTo(4), "1 attempt + 3 retries");
        Assert.That(await store.KeysAsync(""), Is.Empty);
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Missing_bucket_fails_at_once()
    {
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        await using var sink = new S3Sink(S3TestStore.Options("eb-no-such-bucket", proxy.Endpoint));
        var error = Assert.ThrowsAsync<AmazonS3Exception>(async () => await sink.BeginSetAsync(SetWriter.Descriptor("20261122T041300000Z-full"), CancellationToken.None));
        Assert.That(error!.ErrorCode, Is.EqualTo("NoSuchBucket"));
        Assert.That(proxy.Log.Count(e => e.DeliveredStatus >= 500), Is.Zero);
        // BeginSetAsync sends some of its requests together, so what counts is that none of them went twice.
        var requests = proxy.Log.Select(e => $"{e.Request.Method} {e.Request.Path}").ToList();
        Assert.That(requests, Is.Unique, "no request was retried");
        Assert.That(requests, Has.Count.LessThanOrEqualTo(4));
    }
}
