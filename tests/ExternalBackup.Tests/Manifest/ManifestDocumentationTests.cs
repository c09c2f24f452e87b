using System.Text.Json;
using System.Text.RegularExpressions;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Snapshots;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Manifest;

/// <summary>docs/manifest.md cannot drift: every field a manifest of each source serialises, and every source value, is documented there.</summary>
public sealed partial class ManifestDocumentationTests
{
    private static readonly string Documentation = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "manifest.md"));

    [Test]
    public async Task EveryFieldOfAManifestOfEachSourceAndEverySourceValueIsInTheDocumentation()
    {
        using var scratch = new ScratchDirectory("manifest-doc");
        var manifests = await ManifestsOfEachSourceAsync(scratch);

        Assert.That(manifests.Select(m => m.Source), Is.EquivalentTo(ManifestSources.All), "one manifest per source");
        // Every name in a code span: `setId`, and each of `{setId, kind, logGenerationHigh}`.
        var documented = CodeSpans().Matches(FencedBlocks().Replace(Documentation, string.Empty)).SelectMany(m => Words().Matches(m.Groups[1].Value)).Select(w => w.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            foreach (var manifest in manifests)
            {
                using var json = JsonDocument.Parse(ManifestJson.Serialize(manifest));
                foreach (var name in FieldNames(json.RootElement))
                {
                    Assert.That(documented, Does.Contain(name), $"field '{name}' of a {manifest.Source} manifest is not in docs/manifest.md");
                }
            }

            foreach (var source in ManifestSources.All)
            {
                Assert.That(documented, Does.Contain(source), $"source value '{source}' is not in docs/manifest.md");
            }

            Assert.That(Documentation, Does.Contain($"`formatVersion` | int | {BackupManifest.CurrentFormatVersion}"));
            foreach (var folder in new[] { SetLayout.DatabaseFolder, SetLayout.LogFolder, SetLayout.CheckpointFolder, SetLayout.DocumentFolder })
            {
                Assert.That(Documentation, Does.Contain($"`{folder}/"), $"the layout folder '{folder}/' is not in docs/manifest.md");
            }
        });
    }

    [Test]
    public void AFormatOneManifestIsStillRead()
    {
        var v1 = """{"formatVersion":1,"setId":"s","kind":"full","startedUtc":"2026-01-01T00:00:00Z","completedUtc":"2026-01-01T00:00:01Z","instance":"i","source":"model","files":[{"path":"db/a.edb","kind":"database","bytes":1,"sha256":"00"}]}"""u8;

        var manifest = ManifestJson.Deserialize(v1, "v1");

        Assert.That(manifest.FormatVersion, Is.EqualTo(1));
        Assert.That(manifest.Files.Single().Kind, Is.EqualTo(BackupFileKind.Database));
        Assert.That(manifest.Counts, Is.Null);
    }

    private static async Task<List<BackupManifest>> ManifestsOfEachSourceAsync(ScratchDirectory scratch)
    {
        var live = await SyntheticSourceFolder.WriteAsync(scratch.Sub("live"), "basic.edb");
        var frozen = await SyntheticSourceFolder.WriteAsync(scratch.Sub("frozen"), "basic.edb");
        var manifests = new List<BackupManifest>();
        manifests.Add((await new StreamingBackup(EngineModel.Open(live), new NullSink()).RunAsync(BackupKind.Full)).Manifest);
        manifests.Add(await new FrozenFolderBackup(new FrozenFolderSource()).RunAsync(FrozenFolderLayout.Single(frozen), new NullSink(), BackupKind.Full));
        var provider = new SnapshotProviderModel(scratch.Sub("snapshots")).AddVolume(frozen);
        provider.AddComponent(new SnapshotComponent
        {
            WriterId = Guid.NewGuid(),
            InstanceId = Guid.NewGuid(),
            WriterName = "model writer",
            Name = "basic",
            Files = [new SnapshotFileSpec(SnapshotFileRole.Database, frozen, "*.edb"), new SnapshotFileSpec(SnapshotFileRole.Log, frozen, "edb*.log")],
        });
        manifests.Add((await new SnapshotBackupCoordinator(provider, new FrozenFolderSource()).RunAsync(new SnapshotRequest { Kind = BackupKind.Full }, new NullSink(), CancellationToken.None)).Manifest);
        return manifests;
    }

    private static IEnumerable<string> FieldNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => FieldNames(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(FieldNames),
        _ => [],
    };

    [GeneratedRegex("```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedBlocks();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpans();

    [GeneratedRegex("[A-Za-z0-9-]+")]
    private static partial Regex Words();
}
