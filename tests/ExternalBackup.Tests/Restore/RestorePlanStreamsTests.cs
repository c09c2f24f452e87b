using System.Security.Cryptography;
using System.Text.Json;
using ExternalBackup.Manifest;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Restore;

/// <summary>
/// <c>restore.json</c> is one recovery plan per log stream: a snapshot set of several components
/// (<c>logs/&lt;component&gt;/</c>, each numbered from its own generations) restores every component's logs and
/// names each stream's folder, base name, generations, checkpoint and databases; a set of one component keeps the
/// top-level fields as they were.
/// </summary>
public sealed class RestorePlanStreamsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_set_of_two_components_restores_both_log_streams_and_plans_each_with_its_own_folder_generations_checkpoint_and_databases()
    {
        using var scratch = new ScratchDirectory("plan-streams");
        var backups = scratch.Sub("backups");
        // Both components' logs start at generation 1: the same generations, two streams.
        await WriteSetAsync(backups, "two-components-full", null, null,
            ("databases/DB01/DB01.edb", BackupFileKind.Database, null),
            ("databases/DB02/DB02.edb", BackupFileKind.Database, null),
            ("logs/DB01/E0000001.log", BackupFileKind.Log, 1),
            ("logs/DB01/E0000002.log", BackupFileKind.Log, 2),
            ("logs/DB01/E0000003.log", BackupFileKind.Log, 3),
            ("logs/DB02/E0100001.log", BackupFileKind.Log, 1),
            ("logs/DB02/E0100002.log", BackupFileKind.Log, 2),
            ("checkpoint/DB01/E00.chk", BackupFileKind.Checkpoint, null),
            ("checkpoint/DB02/E01.chk", BackupFileKind.Checkpoint, null));
        var target = Path.Combine(scratch.Path, "restored");

        var plan = await ChainRestore.RestoreAsync(backups, target, null, CancellationToken.None);

        var written = JsonSerializer.Deserialize<RestorePlan>(await File.ReadAllBytesAsync(Path.Combine(target, RestorePlan.FileName)), ManifestJson.Options)!;
        string Local(string path) => Path.Combine(target, path.Replace('/', Path.DirectorySeparatorChar));
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(Local("logs/DB01")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "E0000001.log", "E0000002.log", "E0000003.log" }));
            Assert.That(Directory.GetFiles(Local("logs/DB02")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "E0100001.log", "E0100002.log" }), "generation 1 of the second stream is not dropped for the first's");
            Assert.That(written.LogStreams, Has.Count.EqualTo(2));
            Assert.That(plan.LogStreams.Select(s => s.Component), Is.EqualTo(new[] { "DB01", "DB02" }));
            Assert.That(plan.LogStreams.Select(s => s.LogFolder), Is.EqualTo(new[] { Local("logs/DB01"), Local("logs/DB02") }));
            Assert.That(plan.LogStreams.Select(s => s.LogBaseName), Is.EqualTo(new[] { "E00", "E01" }));
            Assert.That(plan.LogStreams.Select(s => (s.GenLow, s.GenHigh)), Is.EqualTo(new[] { ((long?)1, (long?)3), (1, 2) }));
            Assert.That(plan.LogStreams.Select(s => s.CheckpointPath), Is.EqualTo(new[] { Local("checkpoint/DB01/E00.chk"), Local("checkpoint/DB02/E01.chk") }));
            Assert.That(plan.LogStreams.Select(s => s.CheckpointFolder), Is.EqualTo(new[] { Local("checkpoint/DB01"), Local("checkpoint/DB02") }));
            Assert.That(plan.LogStreams.Select(s => s.Databases.Select(d => d.RestoredPath).Single()), Is.EqualTo(new[] { Local("databases/DB01/DB01.edb"), Local("databases/DB02/DB02.edb") }));
            Assert.That(plan.Databases, Has.Count.EqualTo(2), "the top-level map still lists every database");
            Assert.That((plan.GenLow, plan.GenHigh, plan.LogBaseName, plan.CheckpointPath), Is.EqualTo(((long?)null, (long?)null, (string?)null, (string?)null)), "no single stream's range stands for the set");
            Assert.That(written.LogStreams.Select(s => (s.Component, s.LogFolder, s.LogBaseName, s.GenLow, s.GenHigh, s.CheckpointPath)), Is.EqualTo(plan.LogStreams.Select(s => (s.Component, s.LogFolder, s.LogBaseName, s.GenLow, s.GenHigh, s.CheckpointPath))), "restore.json holds the streams");
        });
    }

    [Test]
    public async Task A_gap_in_one_components_log_stream_fails_the_restore_naming_that_stream_and_leaves_no_target()
    {
        using var scratch = new ScratchDirectory("plan-streams-gap");
        var backups = scratch.Sub("backups");
        await WriteSetAsync(backups, "two-components-full", null, null,
            ("databases/DB01/DB01.edb", BackupFileKind.Database, null),
            ("databases/DB02/DB02.edb", BackupFileKind.Database, null),
            ("logs/DB01/E0000001.log", BackupFileKind.Log, 1),
            ("logs/DB01/E0000002.log", BackupFileKind.Log, 2),
            ("logs/DB02/E0100001.log", BackupFileKind.Log, 1),
            ("logs/DB02/E0100003.log", BackupFileKind.Log, 3));
        var target = Path.Combine(scratch.Path, "restored");

        var failure = Assert.ThrowsAsync<InvalidDataException>(() => ChainRestore.RestoreAsync(backups, target, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("lacks log generations 2..2 in logs/DB02"));
            Assert.That(Directory.Exists(target), Is.False);
        });
    }

    [Test]
    public async Task A_set_of_one_component_has_one_stream_equal_to_the_top_level_fields()
    {
        using var scratch = new ScratchDirectory("plan-one-stream");
        var backups = scratch.Sub("backups");
        await WriteSetAsync(backups, "one-full", "edb", new LogGenerationRange(4, 5),
            ("databases/ntds.dit", BackupFileKind.Database, null),
            ("logs/edb00004.log", BackupFileKind.Log, 4),
            ("logs/edb00005.log", BackupFileKind.Log, 5));
        var target = Path.Combine(scratch.Path, "restored");

        var plan = await ChainRestore.RestoreAsync(backups, target, null, CancellationToken.None);

        var stream = plan.LogStreams.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stream.Component, Is.Null);
            Assert.That((stream.LogFolder, stream.LogBaseName, stream.GenLow, stream.GenHigh), Is.EqualTo((plan.LogFolder, plan.LogBaseName, plan.GenLow, plan.GenHigh)));
            Assert.That((plan.LogFolder, plan.LogBaseName, plan.GenLow, plan.GenHigh), Is.EqualTo((Path.Combine(target, "logs"), "edb", (long?)4, (long?)5)));
            Assert.That(stream.Databases.Select(d => d.RestoredPath), Is.EqualTo(new[] { Path.Combine(target, "databases", "ntds.dit") }));
            Assert.That(plan.Databases.Select(d => d.RestoredPath), Is.EqualTo(stream.Databases.Select(d => d.RestoredPath)));
        });
    }

    /// <summary>A committed full set of the given files (distinct bytes each) written through the directory sink.</summary>
    internal static async Task WriteSetAsync(string destination, string setId, string? logBaseName, LogGenerationRange? generations, params (string Path, BackupFileKind Kind, long? Generation)[] specs)
    {
        var descriptor = new BackupSetDescriptor(setId, BackupKind.Full, Start, "two-components");
        var files = new List<ManifestFile>();
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true });
        await sink.BeginSetAsync(descriptor, CancellationToken.None);
        foreach (var (path, kind, generation) in specs)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes($"the bytes of {path}");
            var file = new BackupFileDescriptor(path, kind, bytes.Length, "/snapshot/" + path);
            await sink.OpenFileAsync(file, CancellationToken.None);
            await sink.WriteAsync(new BackupChunk(0, bytes), CancellationToken.None);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            await sink.CompleteFileAsync(new CompletedFile(file, bytes.Length, sha256), CancellationToken.None);
            files.Add(new ManifestFile { Path = path, Kind = kind, Bytes = bytes.Length, Sha256 = sha256, SourcePath = file.SourcePath, Generation = generation });
        }

        await sink.CommitAsync(new BackupManifest
        {
            SetId = setId,
            Kind = BackupKind.Full,
            StartedUtc = Start,
            CompletedUtc = Start.AddMinutes(1),
            Instance = "two-components",
            Source = ManifestSources.Snapshot,
            LogBaseName = logBaseName,
            LogGenerations = generations,
            Files = files,
        }, CancellationToken.None);
    }
}
