using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ExternalBackup.Manifest;

namespace ExternalBackup.Tests.Manifest;

/// <summary>The source-generated manifest metadata changes nothing of the format: the bytes are those reflection writes.</summary>
public sealed class ManifestJsonTests
{
    [Test]
    public void A_manifest_with_every_field_serializes_to_the_same_bytes_as_with_reflection_and_reads_back_equal()
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var files = new List<ManifestFile>
        {
            new() { Path = "databases/ntds.dit", Kind = BackupFileKind.Database, Bytes = 163840, Sha256 = new string('a', 64), SourcePath = "/i/ntds.dit" },
            new() { Path = "logs/edb00001.log", Kind = BackupFileKind.Log, Bytes = 1 << 20, Sha256 = new string('b', 64), SourcePath = "/i/edb00001.log", Generation = 1 },
            new() { Path = "checkpoint/edb.chk", Kind = BackupFileKind.Checkpoint, Bytes = 8192, Sha256 = new string('c', 64) },
        };
        var manifest = new BackupManifest
        {
            SetId = "s1",
            Kind = BackupKind.Incremental,
            StartedUtc = t,
            CompletedUtc = t.AddSeconds(3),
            Instance = "inst",
            Source = ManifestSources.Engine,
            Producer = "model",
            LogGenerations = new LogGenerationRange(1, 1),
            LogBaseName = "edb",
            TruncatesLogs = true,
            Extends = new SetReference("s0", BackupKind.Full, 0, "sig"),
            Identity = new SetIdentity { Instance = "inst", LogSignature = "sig", Databases = [new DatabaseIdentity("databases/ntds.dit", "dbsig", "sig")] },
            Files = files,
            Databases = [new ManifestDatabase { Path = "databases/ntds.dit", PageSize = 8192, State = "clean", LogSignature = "sig", RequiredLogLow = 1, RequiredLogHigh = 1, HasTrailerPage = true }],
            Counts = SetCounts.Of(files),
            EccCorrections = [new EccCorrection("databases/ntds.dit", 3, 24576, 5)],
        };
        var reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        reflection.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));

        var bytes = ManifestJson.Serialize(manifest);

        Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Is.EqualTo(JsonSerializer.Serialize(manifest, reflection)));
        Assert.That(System.Text.Encoding.UTF8.GetString(bytes), Does.Contain("\"kind\": \"incremental\"").And.Contain("\"kind\": \"checkpoint\""));
        var back = ManifestJson.Deserialize(bytes, "test");
        Assert.That(ManifestJson.Serialize(back), Is.EqualTo(bytes));
    }
}
