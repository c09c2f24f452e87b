using System.Formats.Tar;
using ExternalBackup.Manifest;
using ExternalBackup.Platform;
using ExternalBackup.Sinks;

namespace ExternalBackup.Repository;

/// <summary>
/// The sets in tar archives as <see cref="Sinks.Tar.TarSink"/> writes them (<c>&lt;setId&gt;/&lt;path&gt;</c> entries,
/// <c>&lt;setId&gt;/manifest.json</c> last, or the set's files at the archive's root): one archive, or every
/// <c>*.tar</c> file of a folder (one archive per backup makes a chain). Archives are indexed once; a file is read
/// straight from its entry's data, bounded by the entry and the manifest. Entries that are links, FIFOs or devices
/// are refused, never resolved; a name stored twice is refused as ambiguous.
/// </summary>
public sealed partial class TarRepository : IBackupRepository
{
    private readonly string _path;
    private Dictionary<string, ArchiveIndex>? _archives;

    /// <summary>Reads the archive <paramref name="path"/>, or every <c>*.tar</c> archive in the folder <paramref name="path"/>.</summary>
    public TarRepository(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc />
    public string Location => $"tar:{_path}";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredSet>> ListSetsAsync(CancellationToken cancellationToken)
    {
        var sets = new List<StoredSet>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (archive, index) in Index(cancellationToken))
        {
            foreach (var name in index.SetNames)
            {
                var manifest = await ReadManifestAsync(archive, index, name, cancellationToken).ConfigureAwait(false);
                var key = name.Length == 0 ? manifest.SetId : name;
                if (!seen.TryAdd(key, archive))
                {
                    throw new InvalidDataException($"set '{key}' is stored in both {seen[key]} and {archive}");
                }

                sets.Add(new StoredSet(name, manifest, archive));
            }
        }

        return RepositoryOrder.Oldest(sets);
    }

    /// <inheritdoc />
    public async ValueTask<BackupManifest> ReadManifestAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var (archive, index) in Index(cancellationToken))
        {
            if (index.SetNames.Contains(name))
            {
                return await ReadManifestAsync(archive, index, name, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidDataException($"no committed set named '{name}' in {Location}");
    }

    /// <inheritdoc />
    public ValueTask<Stream> OpenFileAsync(StoredSet set, ManifestFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(file);
        var archive = set.Container ?? throw new ArgumentException($"{set.Describe()} was not listed by a tar repository", nameof(set));
        var name = $"{set.Describe()}: '{file.Path}'";
        if (!Index(cancellationToken).TryGetValue(archive, out var index))
        {
            throw new InvalidDataException($"{name}: the archive {archive} is gone");
        }

        if (SetPath.Check(file.Path) is { } unsafePath)
        {
            throw new InvalidDataException($"{name}: unsafe path ({unsafePath})");
        }

        var entry = Entry(index, set.Name, file.Path, name);
        if (entry.Length != file.Bytes)
        {
            throw new InvalidDataException($"{name} has {entry.Length} bytes in {archive}, the manifest says {file.Bytes}");
        }

        return ValueTask.FromResult<Stream>(new BoundedReadStream(OpenData(archive, entry), file.Bytes, name, checkEnd: false));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async ValueTask<BackupManifest> ReadManifestAsync(string archive, ArchiveIndex index, string name, CancellationToken cancellationToken)
    {
        var origin = $"{archive}: {(name.Length == 0 ? "" : name + "/")}{BackupManifest.FileName}";
        var entry = Entry(index, name, BackupManifest.FileName, origin);
        if (entry.Length > RepositoryLimits.MaxManifestBytes)
        {
            throw new InvalidDataException($"{origin}: the manifest has {entry.Length} bytes, more than the {RepositoryLimits.MaxManifestBytes} a manifest may have");
        }

        var bytes = new byte[entry.Length];
        await using (var data = new BoundedReadStream(OpenData(archive, entry), entry.Length, origin, checkEnd: false))
        {
            await data.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return ManifestJson.Deserialize(bytes, origin);
    }

    private static IndexedEntry Entry(ArchiveIndex index, string setName, string path, string name)
    {
        var key = setName.Length == 0 ? path : $"{setName}/{path}";
        if (!index.Entries.TryGetValue(key, out var entry))
        {
            throw new InvalidDataException($"{name} is missing");
        }

        if (entry.Duplicated)
        {
            throw new InvalidDataException($"{name} is stored more than once in the archive (ambiguous; refused)");
        }

        return entry.Type switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => entry,
            TarEntryType.SymbolicLink => throw new InvalidDataException($"{name} is a symbolic link entry (links inside a set are never followed)"),
            TarEntryType.HardLink => throw new InvalidDataException($"{name} is a hard link entry (links inside a set are never followed)"),
            TarEntryType.Fifo => throw new InvalidDataException($"{name} is a FIFO entry, not a regular file"),
            TarEntryType.CharacterDevice => throw new InvalidDataException($"{name} is a character device entry, not a regular file"),
            TarEntryType.BlockDevice => throw new InvalidDataException($"{name} is a block device entry, not a regular file"),
            TarEntryType.Directory => throw new InvalidDataException($"{name} is a folder entry, not a file"),
            _ => throw new InvalidDataException($"{name} is a tar entry of type {entry.Type}, not a regular file"),
        };
    }

    private static FileStream OpenData(string archive, IndexedEntry entry)
    {
        var stream = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        stream.Position = entry.DataOffset;
        return stream;
    }

    private Dictionary<string, ArchiveIndex> Index(CancellationToken cancellationToken)
    {
        if (_archives is not null)
        {
            return _archives;
        }

        var archives = new Dictionary<string, ArchiveIndex>(StringComparer.Ordinal);
        var type = NoFollowPath.KindOf(_path);
        if (type == FileEntryKind.Folder)
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(_path, "*.tar").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Path.GetFileName(file).StartsWith('.') && NoFollowPath.KindOf(file) == FileEntryKind.RegularFile)
                {
                    archives.Add(file, ArchiveIndex.Read(file));
                }
            }
        }
        else if (type == FileEntryKind.RegularFile || (type == FileEntryKind.SymbolicLink && File.Exists(_path)))
        {
            // The archive named on the command line may be a link; links inside it are what is refused.
            archives.Add(_path, ArchiveIndex.Read(_path));
        }
        else if (type == FileEntryKind.Missing)
        {
            throw new DirectoryNotFoundException($"the backup archive '{_path}' does not exist");
        }
        else
        {
            throw new InvalidDataException($"'{_path}' is {type.DescribeInSet()}");
        }

        _archives = archives;
        return archives;
    }

    private sealed record IndexedEntry(TarEntryType Type, long DataOffset, long Length, bool Duplicated = false);

    private sealed class ArchiveIndex
    {
        public Dictionary<string, IndexedEntry> Entries { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> SetNames { get; } = new(StringComparer.Ordinal);

        public static ArchiveIndex Read(string archive)
        {
            var index = new ArchiveIndex();
            using var stream = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new TarReader(stream);
            while (true)
            {
                TarEntry? entry;
                var before = stream.Position;
                try
                {
                    entry = reader.GetNextEntry(copyData: false);
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                {
                    // A truncated archive (an aborted tar:- stream) keeps the sets whose manifest came before the damage.
                    index.Damage = $"{archive}: unreadable tar entry at offset {before}: {e.Message}";
                    break;
                }

                if (entry is null)
                {
                    break;
                }

                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                name = entry.EntryType == TarEntryType.Directory ? name.TrimEnd('/') : name;
                var indexed = new IndexedEntry(entry.EntryType, entry.DataOffset, entry.Length);
                if (!index.Entries.TryAdd(name, indexed))
                {
                    index.Entries[name] = indexed with { Duplicated = true };
                }

                if (name == BackupManifest.FileName)
                {
                    index.SetNames.Add("");
                }
                else if (name.EndsWith("/" + BackupManifest.FileName, StringComparison.Ordinal) && name.Count(c => c == '/') == 1)
                {
                    index.SetNames.Add(name[..name.IndexOf('/', StringComparison.Ordinal)]);
                }
            }

            return index;
        }

        public string? Damage { get; private set; }
    }
}
