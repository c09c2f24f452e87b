using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

public class DirectorySinkTests
{
    internal static BackupManifest ManifestFor(string setId, BackupKind kind, params (string Path, byte[] Bytes)[] files) => new()
    {
        SetId = setId,
        Kind = kind,
        StartedUtc = DateTimeOffset.UnixEpoch,
        CompletedUtc = DateTimeOffset.UnixEpoch,
        Instance = "test",
        Source = "test",
        Files = [.. files.Select(f => new ManifestFile { Path = f.Path, Kind = BackupFileKind.Other, Bytes = f.Bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(f.Bytes)) })],
    };

    internal static async Task WriteSetAsync(IBackupSink sink, string setId, bool commit, params (string Path, byte[] Bytes)[] files)
    {
        await sink.BeginSetAsync(new BackupSetDescriptor(setId, BackupKind.Full, DateTimeOffset.UnixEpoch, "test"), default);
        foreach (var (path, bytes) in files)
        {
            var descriptor = new BackupFileDescriptor(path, BackupFileKind.Other, bytes.Length, "/src/" + path);
            await sink.OpenFileAsync(descriptor, default);
            for (var offset = 0; offset < bytes.Length; offset += 7)
            {
                await sink.WriteAsync(new BackupChunk(offset, bytes.AsMemory(offset, Math.Min(7, bytes.Length - offset))), default);
            }

            await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), default);
        }

        if (commit)
        {
            await sink.CommitAsync(ManifestFor(setId, BackupKind.Full, files), default);
        }
    }

    internal static string Snapshot(string folder) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{Path.GetRelativePath(folder, p)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))}" : Path.GetRelativePath(folder, p) + "/"));

    [Test]
    public async Task Committed_set_holds_the_bytes_and_the_manifest()
    {
        using var scratch = new ScratchDirectory("dirsink");
        var bytes = RandomNumberGenerator.GetBytes(1000);
        await using var sink = new DirectorySink(scratch.Path);
        await WriteSetAsync(sink, "s1", commit: true, ("databases/a/db.edb", bytes), ("logs/edb00001.log", [1, 2, 3]));

        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s1", "databases", "a", "db.edb")), Is.EqualTo(bytes));
        var sets = await sink.ListSetsAsync(default);
        Assert.That(sets.Select(s => s.SetId), Is.EqualTo(new[] { "s1" }));
        Assert.That(Directory.Exists(Path.Combine(scratch.Path, DirectorySink.StagingFolderName)), Is.False);
        Assert.That(File.Exists(Path.Combine(scratch.Path, DirectorySink.LockFileName)), Is.False);
    }

    [Test]
    public async Task Aborted_set_leaves_the_destination_as_it_was_and_keeps_the_previous_set()
    {
        using var scratch = new ScratchDirectory("dirsink");
        await using var sink = new DirectorySink(scratch.Path);
        await WriteSetAsync(sink, "old-full", commit: true, ("databases/db.edb", RandomNumberGenerator.GetBytes(300)));
        var before = Snapshot(scratch.Path);

        await WriteSetAsync(sink, "new-full", commit: false, ("databases/db.edb", RandomNumberGenerator.GetBytes(500)));
        Assert.That(Directory.Exists(Path.Combine(scratch.Path, "new-full")), Is.False, "an uncommitted set must not be visible");
        await sink.AbortAsync(default);

        Assert.That(Snapshot(scratch.Path), Is.EqualTo(before));
    }

    [Test]
    public async Task Missing_destination_is_an_error_unless_creation_is_asked_for()
    {
        using var scratch = new ScratchDirectory("dirsink");
        var missing = Path.Combine(scratch.Path, "nope");
        await using var sink = new DirectorySink(missing);
        Assert.ThrowsAsync<DirectoryNotFoundException>(async () => await WriteSetAsync(sink, "s", commit: true));
        Assert.That(Directory.Exists(missing), Is.False);

        await using var creating = new DirectorySink(missing, new DirectorySinkOptions { CreateDestination = true });
        await WriteSetAsync(creating, "s", commit: true, ("logs/edb00001.log", [9]));
        Assert.That(File.Exists(Path.Combine(missing, "s", BackupManifest.FileName)), Is.True);
    }

    [TestCase("../escape")]
    [TestCase("/etc/passwd")]
    [TestCase("a/../../b")]
    [TestCase("a\\b")]
    [TestCase("c:evil")]
    [TestCase("a//b")]
    [TestCase("manifest.json")]
    public async Task Hostile_paths_are_refused_and_nothing_is_written_outside(string path)
    {
        using var scratch = new ScratchDirectory("dirsink");
        var destination = scratch.Sub("dest");
        await using var sink = new DirectorySink(destination);
        await sink.BeginSetAsync(new BackupSetDescriptor("s", BackupKind.Full, DateTimeOffset.UnixEpoch, "t"), default);
        var e = Assert.ThrowsAsync<ArgumentException>(async () => await sink.OpenFileAsync(new BackupFileDescriptor(path, BackupFileKind.Other, 1, path), default));
        Assert.That(e!.Message, Does.Contain(path));
        await sink.AbortAsync(default);
        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "dest" }));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task A_second_writer_is_refused_while_a_set_is_open()
    {
        using var scratch = new ScratchDirectory("dirsink");
        await using var first = new DirectorySink(scratch.Path);
        await first.BeginSetAsync(new BackupSetDescriptor("a", BackupKind.Full, DateTimeOffset.UnixEpoch, "t"), default);
        await using var second = new DirectorySink(scratch.Path);
        var e = Assert.ThrowsAsync<IOException>(async () => await second.BeginSetAsync(new BackupSetDescriptor("b", BackupKind.Full, DateTimeOffset.UnixEpoch, "t"), default));
        Assert.That(e!.Message, Does.Contain("another backup"));
        await first.AbortAsync(default);
    }

    [Test]
    public async Task Leftovers_of_a_killed_run_are_invisible_and_removed_by_the_next_run()
    {
        using var scratch = new ScratchDirectory("dirsink");
        var stale = Path.Combine(scratch.Path, DirectorySink.StagingFolderName, "20990101T000000000Z-full", "databases");
        Directory.CreateDirectory(stale);
        File.WriteAllBytes(Path.Combine(stale, "db.edb"), [1, 2, 3]);
        await using var sink = new DirectorySink(scratch.Path);
        Assert.That(await sink.ListSetsAsync(default), Is.Empty);

        await WriteSetAsync(sink, "next", commit: true, ("logs/edb00001.log", [4]));
        Assert.That(Directory.Exists(Path.Combine(scratch.Path, DirectorySink.StagingFolderName)), Is.False);
        Assert.That((await sink.ListSetsAsync(default)).Select(s => s.SetId), Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Commit_refuses_a_manifest_whose_files_were_not_written_whole()
    {
        using var scratch = new ScratchDirectory("dirsink");
        await using var sink = new DirectorySink(scratch.Path);
        await WriteSetAsync(sink, "s", commit: false, ("logs/edb00001.log", [1, 2, 3]));
        var lying = ManifestFor("s", BackupKind.Full, ("logs/edb00001.log", [1, 2, 3, 4]));
        Assert.ThrowsAsync<IOException>(async () => await sink.CommitAsync(lying, default));
        await sink.AbortAsync(default);
        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path), Is.Empty);
    }
}
