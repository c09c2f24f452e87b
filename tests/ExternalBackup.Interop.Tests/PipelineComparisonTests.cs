using ExternalBackup.Interop.Esent;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>The lead's pipeline run unchanged over the native binding, compared with the in-process engine model.</summary>
public sealed class PipelineComparisonTests
{
    private static readonly DateTimeOffset Clock = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Test]
    public async Task Full_backup_through_the_native_fixture_produces_byte_identical_files_and_the_same_manifest_as_the_in_process_model()
    {
        TestPaths.RequireCorpus();
        using var scratch = new ScratchDirectory("native-vs-model");
        using var modelScratch = new ScratchDirectory("model-set");
        using var nativeScratch = new ScratchDirectory("native-set");
        var time = new FixedTime(Clock);
        var options = new StreamingBackupOptions { TimeProvider = time, ChunkSize = 256 * 1024 };

        // the model on one copy of the set
        var modelFolder = TestPaths.CopyCorpusSet("xp-catroot2-logset", modelScratch);
        var modelDatabases = Databases(modelFolder);
        var model = EngineModel.Open(modelFolder, new EngineModelOptions { TimeProvider = time, Databases = modelDatabases });
        var modelSink = new DirectorySink(scratch.Sub("model-out"));
        var modelResult = await new StreamingBackup(model, modelSink, options).RunAsync(BackupKind.Full);

        // the native path on another copy, in a folder of the same name
        var nativeFolder = TestPaths.CopyCorpusSet("xp-catroot2-logset", nativeScratch);
        var originals = Directory.EnumerateFiles(nativeFolder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(nativeFolder, f), File.ReadAllBytes);
        using var control = new FixtureControl();
        control.SetTime(Clock);
        using var host = NativeEngineHost.Open(new NativeEngineHostOptions
        {
            LibraryPath = NativeFixture.LibraryPath,
            SystemPath = nativeFolder,
            Databases = Databases(nativeFolder),
            LegacyFileNames = 3,
        });
        var nativeSink = new DirectorySink(scratch.Sub("native-out"));
        var nativeResult = await new StreamingBackup(host.Engine, nativeSink, options).RunAsync(BackupKind.Full);

        var m = modelResult.Manifest;
        var n = nativeResult.Manifest;
        Assert.Multiple(() =>
        {
            Assert.That(n.Files.Select(f => f.Kind), Is.EqualTo(new[] { BackupFileKind.Database, BackupFileKind.Database, BackupFileKind.Log }));
            Assert.That(n.Files.Select(Key), Is.EqualTo(m.Files.Select(Key)), "files: path, kind, bytes, sha256, generation");
            Assert.That(n.LogGenerations, Is.EqualTo(m.LogGenerations));
            Assert.That(n.LogGenerations, Is.EqualTo(new LogGenerationRange(131, 131)));
            Assert.That(n.LogBaseName, Is.EqualTo(m.LogBaseName));
            Assert.That(n.Kind, Is.EqualTo(m.Kind));
            Assert.That(nativeResult.LogsTruncated, Is.EqualTo(modelResult.LogsTruncated));
            Assert.That(n.Databases.Select(d => (d.Path, d.PageSize, d.HasTrailerPage)), Is.EqualTo(m.Databases.Select(d => (d.Path, d.PageSize, d.HasTrailerPage))));
        });

        var modelSet = modelSink.SetFolder(m.SetId);
        var nativeSet = nativeSink.SetFolder(n.SetId);
        foreach (var file in n.Files)
        {
            var nativeBytes = await File.ReadAllBytesAsync(Path.Combine(nativeSet, file.Path));
            Assert.That(nativeBytes, Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(modelSet, file.Path))), $"{file.Path}: byte-identical to the model's");
            if (file.Kind == BackupFileKind.Log)
            {
                Assert.That(nativeBytes, Is.EqualTo(originals["edb.log"]), $"{file.Path} is the rolled current log, byte for byte");
            }
            else
            {
                var source = originals[Path.Combine(file.Path.Split('/')[1..])];
                Assert.That(nativeBytes.AsSpan(8192, source.Length - 8192).SequenceEqual(source.AsSpan(8192)), Is.True, $"{file.Path}: pages 1..last are the source's pages");
            }
        }

        Assert.That(control.CallsTo("JetReadFileInstance"), Has.All.Contains($"pvAligned=1 cb={256 * 1024}"), "the pipeline's pooled buffers reach the engine as they are");
    }

    private static (string, BackupFileKind, long, string, long?) Key(ManifestFile f) => (f.Path, f.Kind, f.Bytes, f.Sha256, f.Generation);

    private static List<string> Databases(string folder) =>
        Directory.EnumerateFiles(folder, "catdb", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
