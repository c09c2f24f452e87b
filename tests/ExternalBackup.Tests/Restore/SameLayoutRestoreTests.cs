using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Snapshots;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Restore;

/// <summary>A streaming set and a snapshot set of the same files restore through the same code into the same layout.</summary>
public sealed class SameLayoutRestoreTests
{
    [Test]
    public async Task StreamingAndSnapshotSetsOfTheSameFilesRestoreIntoTheSameLayout()
    {
        using var scratch = new ScratchDirectory("same-layout");
        var live = await SyntheticSourceFolder.WriteAsync(scratch.Sub("live"), "basic.edb", Path.Combine("sub", "other.edb"));
        var frozen = scratch.Sub("frozen");
        CopyFolder(live, frozen);

        var streamingBackups = scratch.Sub("streaming-backups");
        var snapshotBackups = scratch.Sub("snapshot-backups");
        BackupManifest streamed;
        BackupManifest snapshot;
        await using (var sink = new DirectorySink(streamingBackups, new DirectorySinkOptions { CreateDestination = true }))
        {
            streamed = (await new StreamingBackup(EngineModel.Open(live), sink).RunAsync(BackupKind.Full)).Manifest;
        }

        await using (var sink = new DirectorySink(snapshotBackups, new DirectorySinkOptions { CreateDestination = true }))
        {
            snapshot = await new FrozenFolderBackup(new FrozenFolderSource()).RunAsync(FrozenFolderLayout.Single(frozen), sink, BackupKind.Full);
        }

        var fromStreaming = await ChainRestore.RestoreAsync(streamingBackups, Path.Combine(scratch.Path, "restored-streaming"), null, CancellationToken.None);
        var fromSnapshot = await ChainRestore.RestoreAsync(snapshotBackups, Path.Combine(scratch.Path, "restored-snapshot"), null, CancellationToken.None);

        string Relative(RestorePlan plan, string path) => Path.GetRelativePath(Path.GetDirectoryName(plan.LogFolder)!, path).Replace('\\', '/');
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.Path), Is.EquivalentTo(streamed.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.Path)));
            Assert.That(fromSnapshot.Databases.Select(d => Relative(fromSnapshot, d.RestoredPath)), Is.EquivalentTo(fromStreaming.Databases.Select(d => Relative(fromStreaming, d.RestoredPath))));
            Assert.That(fromSnapshot.Databases.Select(d => Relative(fromSnapshot, d.RestoredPath)), Is.EquivalentTo(new[] { "databases/basic.edb", "databases/sub/other.edb" }));
            Assert.That(Relative(fromSnapshot, fromSnapshot.LogFolder), Is.EqualTo("logs"));
            Assert.That(Relative(fromStreaming, fromStreaming.LogFolder), Is.EqualTo("logs"));
            Assert.That(Directory.GetFiles(fromSnapshot.LogFolder).Select(Path.GetFileName), Is.SupersetOf(Directory.GetFiles(fromStreaming.LogFolder).Select(Path.GetFileName)).And.Not.Empty, "the same log names in the same folder");
            Assert.That(fromSnapshot.GenHigh, Is.EqualTo(fromStreaming.GenHigh));
            Assert.That(fromSnapshot.LogBaseName, Is.EqualTo(fromStreaming.LogBaseName));
        });
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
