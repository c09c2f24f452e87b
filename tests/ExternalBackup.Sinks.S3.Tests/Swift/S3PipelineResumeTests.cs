using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>
/// Resuming an interrupted S3 set through the pipeline: the second backup names the first one's set
/// (<see cref="StreamingBackupOptions.SetId"/>, <c>esebackup backup --set-id</c>) and the sink sends only what the
/// store does not already hold with the same bytes.
/// </summary>
[TestFixture]
public sealed class S3PipelineResumeTests
{
    private const int MiB = 1024 * 1024;

    [Test]
    public async Task A_backup_that_died_mid_database_is_resumed_by_naming_its_set_and_only_parts_whose_bytes_changed_are_sent_again()
    {
        using var scratch = new ScratchDirectory("s3-pipeline-resume");
        var instance = scratch.Sub("instance");
        await SyntheticInstanceWriter.WriteAsync(instance, new SyntheticInstanceOptions
        {
            Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageCount = 40 * MiB / 4096, Seed = 5 })],
            Logs = new SyntheticLogSetOptions { Count = 3, LogFileSize = MiB },
        });
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        var sinkOptions = store.SinkOptions(proxy.Endpoint) with { MinimumPartSize = 5 * MiB };
        var pipeline = new StreamingBackupOptions { SetId = "nightly-0007" };

        // Run 1: the process dies 22 MiB into the database (no abort reaches the store: it is gone).
        await using (var dying = new ProcessDeath(new S3Sink(sinkOptions), afterBytes: 22L * MiB))
        {
            Assert.ThrowsAsync<IOException>(async () => await new StreamingBackup(EngineModel.Open(instance), dying, pipeline).RunAsync(BackupKind.Full));
        }

        var acknowledged = proxy.AcknowledgedParts();
        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(3), "run 1 stored some of the database's 5 MiB parts");
        Assert.That(await store.KeysAsync($"backups/{pipeline.SetId}/manifest.json"), Is.Empty, "the interrupted set has no manifest");
        var before = proxy.Log.Count;
        var headerPartStored = acknowledged.Any(p => p.Part == 1);

        // Run 2: the same backup again, naming the interrupted set.
        BackupResult result;
        await using (var sink = new S3Sink(sinkOptions))
        {
            result = await new StreamingBackup(EngineModel.Open(instance), sink, pipeline).RunAsync(BackupKind.Full);
            Assert.That(sink.IsResumed, Is.True, "the sink found the journal of the named set");
            // The first part holds the database's header pages, which the engine streams with this backup's
            // bkinfoFullCur (its time and log position): new bytes, so that part alone is sent again.
            Assert.That(sink.Statistics.PartsSkipped, Is.EqualTo(acknowledged.Count - (headerPartStored ? 1 : 0)), "every other part run 1 stored has the same bytes in run 2 and is reused");
        }

        var resent = proxy.Log.Skip(before).Where(e => e.Request.IsUploadPart).Select(e => (e.Request.UploadId, e.Request.PartNumber)).ToList();
        Assert.That(resent.Intersect(acknowledged).Select(p => p.Item2), Is.EqualTo(headerPartStored ? new[] { 1 } : []), "of the acknowledged parts only the one whose bytes changed (the header) is sent twice");
        var expected = Enumerable.Range(1, 9).Where(part => part == 1 || acknowledged.All(a => a.Part != part));
        Assert.That(resent.Select(p => p.PartNumber).Order(), Is.EqualTo(expected), "the header part and the parts run 1 never stored, of the 41 MiB stream's nine 5 MiB parts");
        Assert.That(result.Manifest.SetId, Is.EqualTo("nightly-0007"));
        Assert.That(result.LogsTruncated, Is.True);
        foreach (var file in result.Manifest.Files)
        {
            var bytes = await store.ReadAsync($"backups/{result.Manifest.SetId}/{file.Path}");
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.Sha256), $"{file.Path}: the stored object is what run 2 streamed");
        }

        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    /// <summary>A sink whose process dies after some bytes: the write fails and no abort ever reaches the store.</summary>
    private sealed class ProcessDeath(IBackupSink inner, long afterBytes) : IBackupSink
    {
        private long _written;

        public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => inner.BeginSetAsync(set, cancellationToken);

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => inner.OpenFileAsync(file, cancellationToken);

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
        {
            _written += chunk.Data.Length;
            return _written > afterBytes
                ? throw new IOException($"the process died after {afterBytes} bytes")
                : inner.WriteAsync(chunk, cancellationToken);
        }

        public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => inner.CompleteFileAsync(file, cancellationToken);

        public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => inner.CommitAsync(manifest, cancellationToken);

        public ValueTask AbortAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
