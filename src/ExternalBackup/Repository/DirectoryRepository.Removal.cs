using ExternalBackup.Manifest;
using ExternalBackup.Platform;
using ExternalBackup.Retention;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;

namespace ExternalBackup.Repository;

/// <summary>
/// Removal from a folder: under the sink's own lock (<c>DEST/.lock</c>); a set's <c>manifest.json</c> is first renamed
/// to <see cref="RemovalMarkerName"/> in its folder (one atomic step: the set stops being committed and its folder is
/// marked as a removal's leftover) and the folder's entry flushed, then the folder is deleted. The sweep deletes the
/// sink's stale <c>.staging</c> and folders holding the marker and no manifest.
/// </summary>
public sealed partial class DirectoryRepository : IBackupSetRemover
{
    /// <summary>What a set's manifest is renamed to when its removal begins.</summary>
    internal const string RemovalMarkerName = ".removing";

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (NoFollowPath.KindOf(Folder) != FileEntryKind.Folder)
        {
            throw new DirectoryNotFoundException($"the backup destination '{Folder}' does not exist");
        }

        return ValueTask.FromResult<IAsyncDisposable>(new HeldLock(DirectoryLock.Acquire(Folder, DirectorySink.LockFileName)));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = new List<string>();
        if (DirectorySink.RemoveLeftoverStaging(Folder))
        {
            swept.Add($"removed {Path.Combine(Folder, DirectorySink.StagingFolderName)}, left by an interrupted backup");
        }

        foreach (var folder in System.IO.Directory.EnumerateDirectories(Folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Path.GetFileName(folder).StartsWith('.') || NoFollowPath.KindOf(folder) != FileEntryKind.Folder)
            {
                continue;
            }

            if (NoFollowPath.KindOf(Path.Combine(folder, RemovalMarkerName)) == FileEntryKind.RegularFile
                && NoFollowPath.KindOf(Path.Combine(folder, BackupManifest.FileName)) == FileEntryKind.Missing)
            {
                System.IO.Directory.Delete(folder, recursive: true);
                swept.Add($"removed the files of set '{Path.GetFileName(folder)}', whose removal was interrupted after its manifest went");
            }
        }

        if (swept.Count > 0)
        {
            DirectoryDurability.Flush(Folder);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(swept);
    }

    /// <inheritdoc />
    public ValueTask RemoveManifestAsync(StoredSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        cancellationToken.ThrowIfCancellationRequested();
        var folder = SetFolderOf(set);
        File.Move(Path.Combine(folder, BackupManifest.FileName), Path.Combine(folder, RemovalMarkerName), overwrite: true);
        DirectoryDurability.Flush(folder);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveFilesAsync(StoredSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        System.IO.Directory.Delete(SetFolderOf(set), recursive: true);
        DirectoryDurability.Flush(Folder);
        return ValueTask.CompletedTask;
    }

    private string SetFolderOf(StoredSet set)
    {
        if (SetPath.Check(set.Name) is not null || set.Name.Contains('/', StringComparison.Ordinal) || set.Name.StartsWith('.'))
        {
            throw new InvalidDataException($"'{set.Name}' is not a set name");
        }

        var folder = Path.Combine(Folder, set.Name);
        if (NoFollowPath.KindOf(folder) != FileEntryKind.Folder)
        {
            throw new InvalidDataException($"{set.Describe()} in {Folder} is {NoFollowPath.KindOf(folder).DescribeInSet()}, not a set folder");
        }

        return folder;
    }
}
