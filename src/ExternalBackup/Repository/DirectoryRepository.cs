using ExternalBackup.Manifest;
using ExternalBackup.Platform;
using ExternalBackup.Sinks;

namespace ExternalBackup.Repository;

/// <summary>
/// The sets of a folder as <see cref="Sinks.FileSystem.DirectorySink"/> writes them: one sub-folder per committed set
/// holding <c>manifest.json</c>. Folders whose name starts with '.' (<c>.staging</c>) and entries that are links are
/// never sets. Files are opened with <see cref="NoFollowPath"/>: no link on the way is followed and only regular
/// files are opened.
/// </summary>
public sealed partial class DirectoryRepository : IBackupRepository
{
    /// <summary>Reads the sets of <paramref name="folder"/>.</summary>
    public DirectoryRepository(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The destination folder.</summary>
    public string Folder { get; }

    /// <inheritdoc />
    public string Location => Folder;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredSet>> ListSetsAsync(CancellationToken cancellationToken)
    {
        if (NoFollowPath.KindOf(Folder) != FileEntryKind.Folder && !System.IO.Directory.Exists(Folder))
        {
            throw new DirectoryNotFoundException($"the backup destination '{Folder}' does not exist");
        }

        var sets = new List<StoredSet>();
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(folder);
            if (name.StartsWith('.') || SetPath.Check(name) is not null || NoFollowPath.KindOf(folder) != FileEntryKind.Folder)
            {
                continue;
            }

            if (NoFollowPath.KindOf(Path.Combine(folder, BackupManifest.FileName)) == FileEntryKind.Missing)
            {
                continue;
            }

            sets.Add(new StoredSet(name, await ReadManifestAsync(name, cancellationToken).ConfigureAwait(false)));
        }

        return RepositoryOrder.Oldest(sets);
    }

    /// <inheritdoc />
    public async ValueTask<BackupManifest> ReadManifestAsync(string name, CancellationToken cancellationToken)
    {
        var origin = Path.Combine(Folder, name, BackupManifest.FileName);
        if (SetPath.Check(name) is not null || name.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{name}' is not a set name");
        }

        var (stream, length, refused) = NoFollowPath.Open(Folder, [name, BackupManifest.FileName]);
        if (stream is null)
        {
            throw new InvalidDataException(refused == FileEntryKind.Missing
                ? $"no committed set named '{name}' in {Folder}"
                : $"{origin}: the manifest is {refused.DescribeInSet()}");
        }

        await using (stream.ConfigureAwait(false))
        {
            if (length > RepositoryLimits.MaxManifestBytes)
            {
                throw new InvalidDataException($"{origin}: the manifest has {length} bytes, more than the {RepositoryLimits.MaxManifestBytes} a manifest may have");
            }

            var bytes = new byte[length];
            await new BoundedReadStream(stream, length, origin).ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return ManifestJson.Deserialize(bytes, origin);
        }
    }

    /// <inheritdoc />
    public ValueTask<Stream> OpenFileAsync(StoredSet set, ManifestFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(file);
        cancellationToken.ThrowIfCancellationRequested();
        var name = $"{set.Describe()}: '{file.Path}'";
        if (SetPath.Check(file.Path) is { } unsafePath)
        {
            throw new InvalidDataException($"{name}: unsafe path ({unsafePath})");
        }

        var (stream, length, refused) = NoFollowPath.Open(Folder, [set.Name, .. file.Path.Split('/')]);
        if (stream is null)
        {
            throw new InvalidDataException($"{name} is {refused.DescribeInSet()}");
        }

        if (length != file.Bytes)
        {
            stream.Dispose();
            throw new InvalidDataException($"{name} has {length} bytes, the manifest says {file.Bytes}");
        }

        return ValueTask.FromResult<Stream>(new BoundedReadStream(stream, file.Bytes, name));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
