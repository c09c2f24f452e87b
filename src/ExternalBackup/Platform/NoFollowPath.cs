using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Platform;

/// <summary>
/// Opens a regular file below a root folder without following any link on the way: on Linux each folder is opened
/// with <c>openat(O_DIRECTORY|O_NOFOLLOW)</c> from the one above, the file's kind is read with
/// <c>statx(AT_SYMLINK_NOFOLLOW)</c> (<see cref="FileEntry"/>) before it is opened (a FIFO, device or socket is never
/// opened) and the file is opened with <see cref="RegularFile"/>'s checks (<c>O_NOFOLLOW|O_NONBLOCK</c>, the kind of
/// the open handle). Elsewhere the same checks are made with <see cref="FileEntry.Of(string)"/>.
/// </summary>
internal static class NoFollowPath
{
    /// <summary>
    /// Opens <paramref name="segments"/> below <paramref name="root"/> as a regular file. Returns the stream and its
    /// length, or the kind that stopped it (a link or special file anywhere on the way, or nothing there).
    /// </summary>
    public static (FileStream? Stream, long Length, FileEntryKind Refused) Open(string root, IReadOnlyList<string> segments)
    {
        var (handle, refused, _) = OpenHandle(root, segments, FileOptions.None, FileShare.Read);
        if (handle is null)
        {
            return (null, 0, refused);
        }

        var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        return (stream, stream.Length, FileEntryKind.RegularFile);
    }

    /// <summary>
    /// As <see cref="Open"/>, a handle for <see cref="RandomAccess"/> opened with <paramref name="options"/> (and,
    /// off Linux, <paramref name="share"/>). When refused, <c>At</c> is how many segments lead to the entry that
    /// stopped it (1 for the first below <paramref name="root"/>).
    /// </summary>
    public static (Microsoft.Win32.SafeHandles.SafeFileHandle? Handle, FileEntryKind Refused, int At) OpenHandle(string root, IReadOnlyList<string> segments, FileOptions options, FileShare share) =>
        OperatingSystem.IsLinux() ? OpenLinux(root, segments, options) : OpenPortable(root, segments, options, share);

    /// <summary>The kind of <paramref name="path"/> itself (a link is reported as a link, not followed; what cannot be looked at is <see cref="FileEntryKind.Missing"/>).</summary>
    public static FileEntryKind KindOf(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return FileEntry.TryStatx(LinuxFileCalls.CurrentFolder, path, LinuxFileCalls.SymlinkNoFollow, out _)?.Kind ?? FileEntryKind.Missing;
        }

        return FileEntry.Of(path).Kind;
    }

    private static (SafeFileHandle?, FileEntryKind, int) OpenLinux(string root, IReadOnlyList<string> segments, FileOptions options)
    {
        var folder = LinuxFileCalls.OpenAt(LinuxFileCalls.CurrentFolder, root, LinuxFileCalls.ReadOnly | LinuxFileCalls.DirectoryOnly | LinuxFileCalls.CloseOnExec);
        if (folder < 0)
        {
            return (null, FileEntryKind.Missing, 0);
        }

        try
        {
            for (var i = 0; i < segments.Count; i++)
            {
                // The kind before opening: a FIFO or device is never opened, a link never followed.
                if (FileEntry.TryStatx(folder, segments[i], LinuxFileCalls.SymlinkNoFollow, out _) is not { } entry)
                {
                    return (null, FileEntryKind.Missing, i + 1);
                }

                var last = i == segments.Count - 1;
                if (entry.Kind != (last ? FileEntryKind.RegularFile : FileEntryKind.Folder))
                {
                    return (null, !last && entry.Kind == FileEntryKind.RegularFile ? FileEntryKind.Missing : entry.Kind, i + 1);
                }

                if (last)
                {
                    // Opened without following or blocking, and the opened handle checked again: the entry cannot have been swapped in between.
                    SafeFileHandle? handle;
                    FileEntryKind opened;
                    try
                    {
                        handle = RegularFile.OpenHandleIfRegularAt(folder, segments[i], $"'{string.Join('/', segments)}' below '{root}'", options, out opened);
                    }
                    catch (FileNotFoundException)
                    {
                        return (null, FileEntryKind.Missing, i + 1);
                    }

                    return handle is null ? (null, opened, i + 1) : (handle, FileEntryKind.RegularFile, 0);
                }

                var next = LinuxFileCalls.OpenAt(folder, segments[i], LinuxFileCalls.ReadOnly | LinuxFileCalls.NoFollow | LinuxFileCalls.CloseOnExec | LinuxFileCalls.DirectoryOnly);
                if (next < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno switch
                    {
                        LinuxFileCalls.NoEntry or LinuxFileCalls.NotAFolder => (null, FileEntryKind.Missing, i + 1),
                        LinuxFileCalls.TooManyLinks => (null, FileEntryKind.SymbolicLink, i + 1),
                        _ => throw new IOException($"cannot open '{string.Join('/', segments.Take(i + 1))}' below '{root}' (errno {errno})"),
                    };
                }

                _ = LinuxFileCalls.Close(folder);
                folder = next;
            }

            return (null, FileEntryKind.Folder, segments.Count);
        }
        finally
        {
            _ = LinuxFileCalls.Close(folder);
        }
    }

    private static (SafeFileHandle?, FileEntryKind, int) OpenPortable(string root, IReadOnlyList<string> segments, FileOptions options, FileShare share)
    {
        var path = root;
        for (var i = 0; i < segments.Count; i++)
        {
            path = Path.Combine(path, segments[i]);
            var kind = KindOf(path);
            var last = i == segments.Count - 1;
            if (kind != (last ? FileEntryKind.RegularFile : FileEntryKind.Folder))
            {
                return (null, !last && kind == FileEntryKind.RegularFile ? FileEntryKind.Missing : kind, i + 1);
            }
        }

        return (File.OpenHandle(path, FileMode.Open, FileAccess.Read, share, options | FileOptions.SequentialScan), FileEntryKind.RegularFile, 0);
    }
}
