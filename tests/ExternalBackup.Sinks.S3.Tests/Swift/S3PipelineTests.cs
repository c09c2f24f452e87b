using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>The lead's streaming pipeline, driven by the engine model over the corpus, into the S3 sink.</summary>
[TestFixture]
public sealed class S3PipelineTests
{
    [Test]
    public async Task Full_then_incremental_through_the_pipeline_round_trip_byte_identically_and_chain_up()
    {
        using var scratch = new ScratchDirectory("s3-pipeline");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        await using var store = await S3TestStore.CreateAsync();
        await using var proxy = new FaultProxy(SwiftServer.Endpoint);
        // A throttled moment in the middle of each run: the sets must still come out whole.
        var seen = 0;
        proxy.Script = request => request.IsPutObject && Interlocked.Increment(ref seen) % 7 == 0 ? Fault.SlowDown(retryAfterSeconds: null) : Fault.Forward;

        var logsBefore = System.IO.Directory.GetFiles(instance, "*.log").ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        BackupResult full;
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            full = await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(BackupKind.Full);
        }

        var logsBetween = System.IO.Directory.GetFiles(instance, "*.log").ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        BackupResult incremental;
        IReadOnlyList<BackupManifest> listed;
        await using (var sink = new S3Sink(store.SinkOptions(proxy.Endpoint)))
        {
            incremental = await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(BackupKind.Incremental);
            listed = await sink.ListSetsAsync(CancellationToken.None);
        }

        Assert.That(listed.Select(m => m.SetId), Is.EqualTo(new[] { full.Manifest.SetId, incremental.Manifest.SetId }));
        Assert.That(incremental.Manifest.Extends?.SetId, Is.EqualTo(full.Manifest.SetId), "the incremental found the full through the S3 catalog");
        Assert.That(incremental.Manifest.Files, Is.Not.Empty);
        Assert.That(incremental.Manifest.Files.All(f => f.Kind == BackupFileKind.Log));
        Assert.That(full.Manifest.Files.Count(f => f.Kind == BackupFileKind.Database), Is.EqualTo(2));

        foreach (var (result, logs) in new[] { (full, logsBefore), (incremental, logsBetween) })
        {
            foreach (var file in result.Manifest.Files)
            {
                var bytes = await store.ReadAsync($"backups/{result.Manifest.SetId}/{file.Path}");
                Assert.That(bytes.LongLength, Is.EqualTo(file.Bytes), file.Path);
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.Sha256), file.Path);
                if (file.Kind == BackupFileKind.Log && logs.TryGetValue(Path.GetFileName(file.Path), out var source))
                {
                    Assert.That(bytes, Is.EqualTo(source), $"{file.Path} equals the instance's log");
                }
            }
        }

        Assert.That(proxy.Log.Any(e => e.Fault == FaultKind.Status), "throttling was injected");
        Assert.That(await store.OpenUploadsAsync(""), Is.Empty);
    }

    [Test]
    public async Task Full_backup_through_the_pipeline_into_a_tar_file_extracts_to_the_manifest()
    {
        using var scratch = new ScratchDirectory("tar-pipeline");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var archive = Path.Combine(scratch.Path, "full.tar");
        BackupResult full;
        await using (var sink = new TarSink(archive))
        {
            full = await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(BackupKind.Full);
        }

        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive));
        var entries = new Dictionary<string, byte[]>();
        while (reader.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries[entry.Name] = data.ToArray();
        }

        foreach (var file in full.Manifest.Files)
        {
            var bytes = entries[$"{full.Manifest.SetId}/{file.Path}"];
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.Sha256), file.Path);
        }

        Assert.That(entries.Keys.Last(), Is.EqualTo($"{full.Manifest.SetId}/manifest.json"));
    }
}
