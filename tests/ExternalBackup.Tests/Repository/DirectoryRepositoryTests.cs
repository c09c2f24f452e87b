using ExternalBackup.Repository;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Repository;

/// <summary>The repository contract on a folder written by <see cref="DirectorySink"/>.</summary>
[TestFixture]
public sealed class DirectoryRepositoryTests : LocalRepositoryContract
{
    private ScratchDirectory? _scratch;
    private string _destination = "";

    [TearDown]
    public void Clean() => _scratch?.Dispose();

    internal override async Task<IBackupRepository> WriteAsync(IReadOnlyList<ContractSet> sets)
    {
        _scratch = new ScratchDirectory("repo-folder");
        _destination = _scratch.Sub("backups");
        foreach (var set in sets)
        {
            await using var sink = new DirectorySink(_destination, new DirectorySinkOptions { FlushToDisk = false });
            await set.WriteAsync(sink);
        }

        return Reopen();
    }

    internal override async Task WriteUncommittedAsync(ContractSet set)
    {
        // What a killed backup leaves: its staging folder, and a set folder without a manifest.
        foreach (var root in new[] { Path.Combine(_destination, DirectorySink.StagingFolderName, set.Id), Path.Combine(_destination, set.Id) })
        {
            foreach (var file in set.Files)
            {
                var path = Path.Combine(root, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, file.Bytes);
            }
        }
    }

    internal override IBackupRepository Reopen() => new DirectoryRepository(_destination);

    protected override Task ReplaceFileAsync(string setName, string path, byte[] bytes) => File.WriteAllBytesAsync(Path.Combine(_destination, setName, path), bytes);

    protected override Task RemoveFileAsync(string setName, string path)
    {
        File.Delete(Path.Combine(_destination, setName, path));
        return Task.CompletedTask;
    }

    protected override Task ReplaceManifestAsync(string setName, byte[] manifest) => File.WriteAllBytesAsync(Path.Combine(_destination, setName, "manifest.json"), manifest);

    protected override Task PlaceAsync(string setName, string path, HostileEntry entry, string outside)
    {
        var file = Path.Combine(_destination, setName, path);
        File.Delete(file);
        switch (entry)
        {
            case HostileEntry.LinkToDevZero:
                File.CreateSymbolicLink(file, "/dev/zero");
                break;
            case HostileEntry.LinkOutside:
                File.CreateSymbolicLink(file, outside);
                break;
            case HostileEntry.Fifo:
                Run("mkfifo", file);
                break;
            case HostileEntry.Device:
                Run("mknod", file, "c", "1", "5");
                break;
        }

        return Task.CompletedTask;
    }

    [LinuxOnly("links the test makes are Linux links that Wine does not show as reparse points")]
    [Test]
    public async Task A_linked_folder_inside_a_set_is_not_followed()
    {
        await using var _ = await WriteAsync(Sets);
        using var outside = new ScratchDirectory("outside");
        Directory.Move(Path.Combine(_destination, "s1-full", "databases", "a"), Path.Combine(outside.Path, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_destination, "s1-full", "databases", "a"), Path.Combine(outside.Path, "a"));
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[0];
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, set.Manifest.Files[0]));
        Assert.That(e!.Message, Does.Contain("'databases/a/catdb'").And.Contain("symbolic link"));
    }

    [Test]
    public async Task A_copied_set_is_read_from_the_folder_that_holds_its_manifest_and_flagged()
    {
        await using var _ = await WriteAsync(Sets);
        TestPaths.CopyTree(Path.Combine(_destination, "s2-incremental"), Path.Combine(_destination, "s2-copy"));
        await File.WriteAllBytesAsync(Path.Combine(_destination, "s2-copy", "logs", "edb00004.log"), Bytes(65_536, 77));
        await using var repository = Reopen();
        var verification = await ExternalBackup.Restore.ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        var copy = verification.Sets.Single(s => s.Name == "s2-copy");
        Assert.That(copy.Problems, Has.Some.Contains("does not belong to the folder that holds it"));
        Assert.That(copy.Problems, Has.Some.Contains("'logs/edb00004.log' has SHA-256"), "the copy's own (corrupt) file was read");
        Assert.That(verification.Sets.Single(s => s.Name == "s2-incremental").Ok, Is.True);
    }
}
