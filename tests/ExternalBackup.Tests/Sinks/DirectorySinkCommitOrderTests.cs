using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// The directory sink's commit rule, observed in the system calls of a real backup (<c>strace</c> of
/// <c>esebackup backup</c>, every thread): each file's data and each folder's entries are flushed to the disk
/// (<c>fsync</c>/<c>fdatasync</c> of that file or folder, or a <c>syncfs</c> of the destination's file system) after
/// their last write and before the manifest is created; the manifest is flushed before the rename that makes the
/// set visible; the destination folder is flushed after it.
/// </summary>
public class DirectorySinkCommitOrderTests
{
    private const int Mib = 1024 * 1024;

    /// <summary>An incremental's shape: many logs, more bytes than the flush-behind lag of two 8 MiB windows, plus a database.</summary>
    internal static Task WriteInstanceAsync(string folder) => SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
    {
        Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageCount = 1024 })],
        Logs = new SyntheticLogSetOptions { Count = 40, LogFileSize = Mib, Checkpoint = new ExternalBackup.Formats.Primitives.LogPosition(1, 1, 0) },
    });

    [LinuxOnly("strace observes the flush calls")]
    [Test]
    public async Task Every_file_and_folder_is_on_the_disk_before_the_manifest_and_the_manifest_before_the_rename()
    {
        using var scratch = new ScratchDirectory("commit-order");
        var instance = Path.Combine(scratch.Path, "instance");
        await WriteInstanceAsync(instance);
        var destination = scratch.Sub("backups");
        var (exit, error, calls) = await TracedBackup.RunAsync(Path.Combine(scratch.Path, "trace"), "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full", "--set-id", "s1");
        Assert.That(exit, Is.Zero, error);

        var staging = Path.Combine(destination, DirectorySink.StagingFolderName, "s1");
        var manifest = Path.Combine(staging, "manifest.json");
        var manifestOpened = calls.First(c => c.Name == "openat" && c.Path == manifest).Index;
        var renamed = calls.Single(c => c.Name.StartsWith("rename", StringComparison.Ordinal) && c.Path == staging && c.Result.StartsWith('0')).Index;
        Assert.That(renamed, Is.GreaterThan(manifestOpened));

        var written = calls.Where(c => c.Name is "write" or "pwrite64" && c.Path!.StartsWith(staging + "/", StringComparison.Ordinal) && c.Path != manifest)
            .GroupBy(c => c.Path!).ToDictionary(g => g.Key, g => g.Max(c => c.Index));
        Assert.That(written.Keys.Count(p => p.Contains("/logs/", StringComparison.Ordinal)), Is.EqualTo(40), "every log was written in the staging folder");
        foreach (var (file, lastWrite) in written)
        {
            Assert.That(FlushedBetween(calls, destination, file, lastWrite, manifestOpened), Is.True, $"{file} (last written at call {lastWrite}) is flushed before the manifest is created (call {manifestOpened})");
        }

        var created = calls.Where(c => c.Name == "openat" && c.Path!.StartsWith(staging + "/", StringComparison.Ordinal) && c.Path != manifest && c.Line.Contains("O_CREAT", StringComparison.Ordinal))
            .GroupBy(c => Path.GetDirectoryName(c.Path)!).ToDictionary(g => g.Key, g => g.Max(c => c.Index));
        Assert.That(created.Keys, Has.Member(Path.Combine(staging, "logs")));
        foreach (var (folder, lastEntry) in created)
        {
            Assert.That(FlushedBetween(calls, destination, folder, lastEntry, renamed), Is.True, $"folder {folder} (last entry at call {lastEntry}) is flushed before the rename (call {renamed})");
        }

        var manifestWritten = calls.Where(c => c.Name is "write" or "pwrite64" && c.Path == manifest).Max(c => c.Index);
        Assert.That(calls.Any(c => c.Index > manifestWritten && c.Index < renamed && c.Name is "fsync" or "fdatasync" && c.Path == manifest && c.Result.StartsWith('0')), Is.True, "the manifest is flushed before the rename");
        Assert.That(FlushedBetween(calls, destination, staging, manifestOpened, renamed), Is.True, "the manifest's entry in the set folder is flushed before the rename");
        Assert.That(calls.Any(c => c.Index > renamed && c.Name == "fsync" && c.Path == destination && c.Result.StartsWith('0')), Is.True, "the destination folder is flushed after the rename");
    }

    [LinuxOnly("syncfs and strace are Linux")]
    [Test]
    public async Task On_ext4_a_set_of_many_files_is_flushed_with_one_syncfs_instead_of_an_fsync_per_file()
    {
        using var scratch = new ScratchDirectory("commit-syncfs");
        Assert.That(new DriveInfo(scratch.Path).DriveFormat, Does.StartWith("ext"), "the scratch folder is on the machine's ext4 disk");
        var instance = Path.Combine(scratch.Path, "instance");
        await WriteInstanceAsync(instance);
        var destination = scratch.Sub("backups");
        var (exit, error, calls) = await TracedBackup.RunAsync(Path.Combine(scratch.Path, "trace"), "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full", "--set-id", "s1");
        Assert.That(exit, Is.Zero, error);

        var staging = Path.Combine(destination, DirectorySink.StagingFolderName, "s1");
        var data = Path.Combine(staging, "logs") + "/";
        Assert.That(calls.Count(c => c.Name == "syncfs" && c.Path!.StartsWith(staging, StringComparison.Ordinal)), Is.EqualTo(1), "one flush of the file system for the whole set");
        Assert.That(calls.Where(c => c.Name is "fsync" or "fdatasync" && c.Path!.StartsWith(data, StringComparison.Ordinal)).Select(c => c.Path), Is.Empty, "no log needs an fsync of its own");
        Assert.That(calls.Count(c => c.Name == "sync_file_range" && c.Path!.StartsWith(data, StringComparison.Ordinal) && c.Line.Contains("SYNC_FILE_RANGE_WAIT_AFTER", StringComparison.Ordinal)), Is.EqualTo(40),
            "each log's bytes were waited for (and an error would name it)");
    }

    /// <summary>
    /// Whether <paramref name="path"/> was flushed by a call completed after <paramref name="after"/> and before
    /// <paramref name="before"/>: its own fsync/fdatasync, or a syncfs of the file system of <paramref name="destination"/>.
    /// </summary>
    private static bool FlushedBetween(IReadOnlyList<TracedBackup.Call> calls, string destination, string path, int after, int before) =>
        calls.Any(c => c.Index > after && c.Index < before && c.Result.StartsWith('0') &&
                       ((c.Name is "fsync" or "fdatasync" && c.Path == path) || (c.Name == "syncfs" && c.Path!.StartsWith(destination, StringComparison.Ordinal))));
}
