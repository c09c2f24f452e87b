using ExternalBackup.Platform;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Lists the regular files of a frozen folder without ever leaving it and without opening anything else:
/// <list type="bullet">
/// <item>every entry is looked at as it is (<c>lstat</c>: a link is a link), before anything is opened;</item>
/// <item>a symbolic link (on Windows any reparse point: a junction, a mount point) is refused naming it, what it
/// points to and whether that is inside or outside the folder; it is never followed, so nothing outside the folder
/// can end up in the set and a loop of links ends at once;</item>
/// <item>a FIFO, a character or block device, a socket is refused naming it and its kind, never opened (opening a
/// FIFO waits for a writer, reading <c>/dev/zero</c> never ends);</item>
/// <item>a folder reached twice (a bind mount of a parent inside the folder) is refused, so walking ends;</item>
/// <item>files are opened with <see cref="OpenHandleForReading"/>: no link on the way below the folder is followed and
/// the opened handle is checked to be a regular file before it is read, so a file or a sub-folder swapped for a link or
/// a FIFO after the listing is refused too.</item>
/// </list>
/// Every refusal is a <see cref="FrozenSetException"/>: one line naming the entry and the cause.
/// </summary>
internal static class FrozenFolderWalker
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
        MatchType = MatchType.Simple,
    };

    /// <summary>The regular files in <paramref name="folder"/> (and its sub-folders when <paramref name="recursive"/>), full paths in ordinal order.</summary>
    /// <param name="folder">The frozen folder; it may itself be reached through a link (the caller named it).</param>
    /// <param name="recursive">Whether sub-folders are walked; without it they are passed over (but links and special files beside the files are still refused).</param>
    /// <param name="cancellationToken">Checked once per folder.</param>
    public static IReadOnlyList<string> RegularFiles(string folder, bool recursive, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var files = new List<string>();
        var walked = new Dictionary<(ulong Device, ulong Inode), string>();
        Walk(root, root, recursive, files, walked, cancellationToken);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Opens <paramref name="path"/>, listed in <paramref name="folder"/>, for reading if it is (still) a regular file,
    /// without following a link anywhere below <paramref name="folder"/> (<see cref="NoFollowPath"/>: a sub-folder
    /// swapped for a link after the listing is refused, not followed) or waiting on a FIFO; otherwise throws
    /// <see cref="FrozenSetException"/> naming it and what was found. The safe replacement of
    /// <c>File.OpenHandle(path, FileMode.Open, FileAccess.Read, ...)</c> for a frozen folder's files.
    /// </summary>
    /// <param name="folder">The folder the file was listed in (as the caller named it; only it may be reached through a link).</param>
    /// <param name="path">The file, as listed.</param>
    /// <param name="options">Sequential scan or none.</param>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandleForReading(string folder, string path, FileOptions options = FileOptions.None)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var relative = Path.GetRelativePath(root, Path.GetFullPath(path));
        if (relative == "." || Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new FrozenSetException(path, $"not below the folder it was listed in ({root}): never read");
        }

        var segments = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        var (handle, refused, at) = NoFollowPath.OpenHandle(root, segments, options, FileShare.ReadWrite | FileShare.Delete);
        return handle ?? throw NotRegular(path, refused, at == segments.Length ? null : Path.Combine([root, .. segments.Take(at)]));
    }

    private static FrozenSetException NotRegular(string path, FileEntryKind kind, string? onTheWay) =>
        new(path, (kind, onTheWay) switch
        {
            (FileEntryKind.Missing, _) => "disappeared after the folder was listed: the folder is not frozen",
            (_, null) => $"{kind.Describe()}, not a regular file (it replaced the file listed): never read",
            _ => $"{onTheWay} on its way is now {kind.Describe()}, not a folder (it replaced the folder listed): links are never followed, nothing was read",
        });

    private static void Walk(string root, string folder, bool recursive, List<string> files, Dictionary<(ulong, ulong), string> walked, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var self = Look(folder == root ? Target(root) : folder);
        if (self.Inode != 0 && !walked.TryAdd((self.Device, self.Inode), folder))
        {
            throw new FrozenSetException(folder, $"the same folder as {walked[(self.Device, self.Inode)]} (a folder loop, e.g. a bind mount of a parent): not walked twice");
        }

        List<string> entries;
        try
        {
            entries = [.. Directory.EnumerateFileSystemEntries(folder, "*", OneLevel)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FrozenSetException(folder, $"cannot list the folder: {e.Message}", e);
        }

        entries.Sort(StringComparer.Ordinal);
        foreach (var path in entries)
        {
            var entry = Look(path);
            switch (entry.Kind)
            {
                case FileEntryKind.RegularFile:
                    files.Add(path);
                    break;
                case FileEntryKind.Folder when recursive:
                    Walk(root, path, recursive, files, walked, cancellationToken);
                    break;
                case FileEntryKind.Folder:
                    break;
                case FileEntryKind.SymbolicLink:
                    throw new FrozenSetException(path, DescribeLink(root, path));
                case FileEntryKind.Missing:
                    throw new FrozenSetException(path, "disappeared while the folder was listed: the folder is not frozen");
                default:
                    throw new FrozenSetException(path, $"{entry.Kind.Describe()}: only regular files are backed up; it was not opened");
            }
        }
    }

    private static FileEntry Look(string path)
    {
        try
        {
            return FileEntry.Of(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FrozenSetException(path, $"cannot look at it: {e.Message}", e);
        }
    }

    /// <summary>The folder the caller named, through the links it may be reached by (only the root is ever resolved).</summary>
    private static string Target(string root)
    {
        try
        {
            return new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? root;
        }
        catch (IOException e)
        {
            throw new FrozenSetException(root, $"the folder cannot be reached: {e.Message}", e);
        }
    }

    /// <summary>What a link points to, found by reading links only (nothing is opened); "a loop" when the links never end.</summary>
    private static string DescribeLink(string root, string path)
    {
        var info = new FileInfo(path);
        var written = info.LinkTarget ?? "?";
        FileSystemInfo? final;
        try
        {
            final = info.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            return $"a symbolic link to '{written}' that never ends (a loop of symbolic links): links are never followed";
        }

        if (final is null)
        {
            return "a reparse point (junction or mount point): never followed";
        }

        var target = Path.TrimEndingDirectorySeparator(final.FullName);
        var where = target == root || target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? "inside" : "outside";
        return $"a symbolic link to {Look(target).Kind.Describe()} {where} the folder ('{written}' -> {target}): links are never followed";
    }
}
