using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Restore;

/// <summary>
/// A restored file is written the folder sink's way (<see cref="StagedFile"/> flush-behind): its windows are written
/// back while the file is still being restored and leave the page cache, so a large restore neither fills the cache
/// with fresh pages nor leaves the whole file for the final flush; the bytes are the stored ones.
/// </summary>
[LinuxOnly("flush-behind is Linux writeback, observed with util-linux fincore")]
public class StoredFileCheckTests
{
    private const int Mib = 1024 * 1024;

    [Test]
    public async Task A_restored_file_keeps_at_most_two_windows_in_the_page_cache_and_has_the_stored_bytes()
    {
        using var scratch = new ScratchDirectory("restore-flush-behind");
        var destination = scratch.Sub("backups");
        var bytes = RandomNumberGenerator.GetBytes(4 * (int)StoredFileCheck.WritebackWindow);
        await WriteSetAsync(destination, "files/big.bin", bytes);

        var repository = new DirectoryRepository(destination);
        var set = (await repository.ListSetsAsync(default)).Single();
        var copy = Path.Combine(scratch.Path, "restored", "big.bin");

        var problems = await StoredFileCheck.RunAsync(repository, set, set.Manifest.Files.Single(), copy, verifyContent: false, default, flushCopy: false);

        Assert.That(problems, Is.Empty);
        Assert.That(DirectorySinkFlushBehindTests.ResidentBytes(copy), Is.LessThanOrEqualTo(2 * StoredFileCheck.WritebackWindow), "the windows before the last two were written back and let go while the rest was restored");
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(bytes));
    }

    [Test]
    public async Task A_restored_file_that_already_exists_is_not_overwritten()
    {
        using var scratch = new ScratchDirectory("restore-create-new");
        var destination = scratch.Sub("backups");
        var bytes = RandomNumberGenerator.GetBytes(Mib);
        await WriteSetAsync(destination, "files/a.bin", bytes);

        var repository = new DirectoryRepository(destination);
        var set = (await repository.ListSetsAsync(default)).Single();
        var copy = Path.Combine(scratch.Sub("restored"), "a.bin");
        await File.WriteAllTextAsync(copy, "already here");

        Assert.ThrowsAsync<IOException>(async () => await StoredFileCheck.RunAsync(repository, set, set.Manifest.Files.Single(), copy, verifyContent: false, default));
        Assert.That(await File.ReadAllTextAsync(copy), Is.EqualTo("already here"));
    }

    /// <summary>A committed full set of one file, written through the folder sink in 1 MiB chunks.</summary>
    private static async Task WriteSetAsync(string destination, string path, byte[] bytes)
    {
        const string SetId = "20261208T000000000Z-full";
        await using var sink = new DirectorySink(destination);
        await sink.BeginSetAsync(new BackupSetDescriptor(SetId, BackupKind.Full, DateTimeOffset.UnixEpoch, "test"), default);
        var descriptor = new BackupFileDescriptor(path, BackupFileKind.Other, bytes.Length, "/src/" + path);
        await sink.OpenFileAsync(descriptor, default);
        for (var offset = 0; offset < bytes.Length; offset += Mib)
        {
            await sink.WriteAsync(new BackupChunk(offset, bytes.AsMemory(offset, Math.Min(Mib, bytes.Length - offset))), default);
        }

        await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), default);
        await sink.CommitAsync(DirectorySinkTests.ManifestFor(SetId, BackupKind.Full, (path, bytes)), default);
    }
}
