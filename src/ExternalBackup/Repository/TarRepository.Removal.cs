using ExternalBackup.Platform;
using ExternalBackup.Retention;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Tar;

namespace ExternalBackup.Repository;

/// <summary>
/// Removal from a folder of tar archives (<c>tar:DIR</c>, one archive per set): a set is removed by deleting its
/// archive, one atomic step that takes the manifest with the files, and flushing the folder. A single archive
/// (<c>tar:FILE</c>) is refused: its sets cannot be taken out without rewriting it. Removal holds the folder's lock
/// (<see cref="TarSink.LockFileName"/>, the one the tar sink holds while it writes an archive into the folder), so no
/// archive is being written meanwhile: none extends a set being removed, and every <c>.partial</c> temporary file
/// in the folder was left by an interrupted backup, which the sweep deletes.
/// </summary>
public sealed partial class TarRepository : IBackupSetRemover
{
    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken)
    {
        var kind = NoFollowPath.KindOf(_path);
        if (kind == FileEntryKind.Missing)
        {
            throw new DirectoryNotFoundException($"the backup destination '{_path}' does not exist");
        }

        if (kind != FileEntryKind.Folder)
        {
            throw new NotSupportedException($"{Location} is a single archive: forget removes whole archives from a folder of them (tar:DIR, one archive per set), never sets from inside one archive; nothing was removed");
        }

        return ValueTask.FromResult<IAsyncDisposable>(new HeldLock(DirectoryLock.Acquire(_path, TarSink.LockFileName)));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = new List<string>();
        // Every entry, filtered by name here: a pattern's Win32 matching and Windows' hidden attribute (Wine marks dot
        // files hidden) must not decide what is swept.
        var everyEntry = new EnumerationOptions { MatchType = MatchType.Simple, AttributesToSkip = 0, RecurseSubdirectories = false, IgnoreInaccessible = false };
        var partials = System.IO.Directory.EnumerateFiles(_path, "*", everyEntry)
            .Where(f => Path.GetFileName(f) is var name && name.StartsWith('.') && name.EndsWith(TarSink.PartialSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in partials)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (NoFollowPath.KindOf(file) == FileEntryKind.RegularFile)
            {
                File.Delete(file);
                swept.Add($"removed {file}, the temporary archive of an interrupted backup");
            }
        }

        if (swept.Count > 0)
        {
            DirectoryDurability.Flush(_path);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(swept);
    }

    /// <inheritdoc />
    public ValueTask RemoveManifestAsync(StoredSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        var archive = set.Container ?? throw new ArgumentException($"{set.Describe()} was not listed by a tar repository", nameof(set));
        var index = Index(cancellationToken);
        if (!index.TryGetValue(archive, out var entries) || !string.Equals(Path.GetDirectoryName(archive), _path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{set.Describe()}: the archive {archive} is not one of {Location}");
        }

        if (entries.SetNames.Count != 1)
        {
            throw new InvalidDataException($"{set.Describe()}: the archive {archive} holds {entries.SetNames.Count} sets ({string.Join(", ", entries.SetNames)}); forget removes whole archives only, so it is kept");
        }

        File.Delete(archive);
        DirectoryDurability.Flush(_path);
        index.Remove(archive);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveFilesAsync(StoredSet set, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
