using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// <see cref="ExternalBackup.Sinks.IBackupSink"/> says every call may be repeated after a failure: the retry decorator
/// repeats a commit that failed after its manifest was written. The folder sink's commit goes on from there.
/// </summary>
public class DirectorySinkCommitRetryTests
{
    [Test]
    public async Task A_commit_that_failed_after_writing_its_manifest_succeeds_when_repeated()
    {
        using var scratch = new ScratchDirectory("dirsink-retry");
        var bytes = RandomNumberGenerator.GetBytes(5000);
        await using var sink = new DirectorySink(scratch.Path);
        await DirectorySinkTests.WriteSetAsync(sink, "s1", commit: false, ("logs/edb00001.log", bytes));
        var manifest = DirectorySinkTests.ManifestFor("s1", BackupKind.Full, ("logs/edb00001.log", bytes));

        // Something takes the set's name between the manifest and the rename: the first commit fails there.
        var squatter = Directory.CreateDirectory(Path.Combine(scratch.Path, "s1"));
        File.WriteAllText(Path.Combine(squatter.FullName, "x"), "x");
        Assert.That(async () => await sink.CommitAsync(manifest, default), Throws.InstanceOf<IOException>());
        Directory.Delete(squatter.FullName, recursive: true);

        await sink.CommitAsync(manifest, default);

        var sets = await sink.ListSetsAsync(default);
        Assert.Multiple(() =>
        {
            Assert.That(sets.Select(s => s.SetId), Is.EqualTo(new[] { "s1" }));
            Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s1", "logs", "edb00001.log")), Is.EqualTo(bytes));
            Assert.That(Directory.Exists(Path.Combine(scratch.Path, DirectorySink.StagingFolderName)), Is.False);
        });
    }

    [Test]
    public async Task An_abort_after_a_failed_commit_leaves_the_destination_as_it_was()
    {
        using var scratch = new ScratchDirectory("dirsink-retry-abort");
        var bytes = RandomNumberGenerator.GetBytes(5000);
        await using var sink = new DirectorySink(scratch.Path);
        await DirectorySinkTests.WriteSetAsync(sink, "before", commit: true, ("logs/edb00001.log", bytes));
        var before = DirectorySinkTests.Snapshot(scratch.Path);
        await DirectorySinkTests.WriteSetAsync(sink, "s2", commit: false, ("logs/edb00002.log", bytes));
        var squatter = Directory.CreateDirectory(Path.Combine(scratch.Path, "s2"));
        File.WriteAllText(Path.Combine(squatter.FullName, "x"), "x");
        Assert.That(async () => await sink.CommitAsync(DirectorySinkTests.ManifestFor("s2", BackupKind.Full, ("logs/edb00002.log", bytes)), default), Throws.InstanceOf<IOException>());
        Directory.Delete(squatter.FullName, recursive: true);

        await sink.AbortAsync(default);

        Assert.That(DirectorySinkTests.Snapshot(scratch.Path), Is.EqualTo(before));
    }
}
