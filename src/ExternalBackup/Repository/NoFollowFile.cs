using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Repository;

/// <summary>
/// Opens a regular file below a root folder without following any link on the way: on Linux each folder is opened
/// with <c>openat(O_DIRECTORY|O_NOFOLLOW)</c> from the one above, the file's type is read with
/// <c>statx(AT_SYMLINK_NOFOLLOW)</c> before it is opened (a FIFO, device or socket is never opened) and again on
/// the open handle. Elsewhere the same checks are made with <see cref="FileSystemInfo.LinkTarget"/> and attributes.
/// </summary>
internal static partial class NoFollowFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeModeSize = 0x1 | 0x2 | 0x200;
    private const int ReadOnly = 0;
    private const int NonBlock = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int NoSuchEntry = 2;
    private const int NotADirectory = 20;
    private const int TooManyLinks = 40;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;

    /// <summary>The type of a file system entry, as <c>st_mode &amp; S_IFMT</c> says.</summary>
    internal enum EntryType
    {
        /// <summary>Nothing there.</summary>
        Missing,
        /// <summary>A regular file.</summary>
        Regular,
        /// <summary>A folder.</summary>
        Directory,
        /// <summary>A symbolic link.</summary>
        SymbolicLink,
        /// <summary>A FIFO.</summary>
        Fifo,
        /// <summary>A character device.</summary>
        CharacterDevice,
        /// <summary>A block device.</summary>
        BlockDevice,
        /// <summary>A socket.</summary>
        Socket,
    }

    /// <summary>The words messages use for a type.</summary>
    internal static string Describe(EntryType type) => type switch
    {
        EntryType.Missing => "missing",
        EntryType.Regular => "a regular file",
        EntryType.Directory => "a folder, not a file",
        EntryType.SymbolicLink => "a symbolic link (links inside a set are never followed)",
        EntryType.Fifo => "a FIFO, not a regular file (never opened)",
        EntryType.CharacterDevice => "a character device, not a regular file (never opened)",
        EntryType.BlockDevice => "a block device, not a regular file (never opened)",
        _ => "a socket, not a regular file (never opened)",
    };

    /// <summary>
    /// Opens <paramref name="segments"/> below <paramref name="root"/> as a regular file. Returns the stream and its
    /// length, or the type that stopped it (a link or special file anywhere on the way, or nothing there).
    /// </summary>
    internal static (FileStream? Stream, long Length, EntryType Refused) Open(string root, IReadOnlyList<string> segments)
    {
        if (OperatingSystem.IsLinux() && Flags() is { } flags)
        {
            return OpenLinux(root, segments, flags.Directory, flags.NoFollow);
        }

        return OpenPortable(root, segments);
    }

    /// <summary>The type of <paramref name="path"/> itself (a link is reported as a link, not followed).</summary>
    internal static EntryType TypeOf(string path)
    {
        if (OperatingSystem.IsLinux() && Flags() is not null)
        {
            Span<byte> buffer = stackalloc byte[StatxSize];
            return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeModeSize, buffer) == 0
                ? TypeOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..]))
                : EntryType.Missing;
        }

        var info = new FileInfo(path);
        if (!info.Exists && !System.IO.Directory.Exists(path))
        {
            return EntryType.Missing;
        }

        return info.LinkTarget is not null ? EntryType.SymbolicLink
            : info.Attributes.HasFlag(FileAttributes.Directory) ? EntryType.Directory
            : EntryType.Regular;
    }

    private static (int Directory, int NoFollow)? Flags() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Arm => (0x4000, 0x8000),
        _ => null,
    };

    private static (FileStream?, long, EntryType) OpenLinux(string root, IReadOnlyList<string> segments, int directoryFlag, int noFollow)
    {
        var dir = OpenAt(AtFdCwd, root, ReadOnly | directoryFlag | CloseOnExec);
        if (dir < 0)
        {
            return (null, 0, EntryType.Missing);
        }

        try
        {
            Span<byte> buffer = stackalloc byte[StatxSize];
            for (var i = 0; i < segments.Count; i++)
            {
                // The type before opening: a FIFO or device is never opened, a link never followed.
                if (Statx(dir, segments[i], AtSymlinkNoFollow, StatxTypeModeSize, buffer) != 0)
                {
                    return (null, 0, EntryType.Missing);
                }

                var type = TypeOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..]));
                var last = i == segments.Count - 1;
                if (type != (last ? EntryType.Regular : EntryType.Directory))
                {
                    return (null, 0, !last && type == EntryType.Regular ? EntryType.Missing : type);
                }

                var next = OpenAt(dir, segments[i], ReadOnly | noFollow | CloseOnExec | (last ? NonBlock : directoryFlag));
                if (next < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno switch
                    {
                        NoSuchEntry => (null, 0, EntryType.Missing),
                        TooManyLinks => (null, 0, EntryType.SymbolicLink),
                        NotADirectory => (null, 0, EntryType.Missing),
                        _ => throw new IOException($"cannot open '{string.Join('/', segments.Take(i + 1))}' below '{root}' (errno {errno})"),
                    };
                }

                if (!last)
                {
                    _ = Close(dir);
                    dir = next;
                    continue;
                }

                // The same check on what was opened: the entry cannot have been swapped in between.
                if (Statx(next, "", AtEmptyPath, StatxTypeModeSize, buffer) != 0 || TypeOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..])) != EntryType.Regular)
                {
                    _ = Close(next);
                    return (null, 0, TypeOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..])));
                }

                var length = (long)BitConverter.ToUInt64(buffer[StatxSizeOffset..]);
                var handle = new SafeFileHandle(next, ownsHandle: true);
                return (new FileStream(handle, FileAccess.Read, bufferSize: 0), length, EntryType.Regular);
            }

            return (null, 0, EntryType.Directory);
        }
        finally
        {
            _ = Close(dir);
        }
    }

    private static (FileStream?, long, EntryType) OpenPortable(string root, IReadOnlyList<string> segments)
    {
        var path = root;
        for (var i = 0; i < segments.Count; i++)
        {
            path = Path.Combine(path, segments[i]);
            var type = TypeOf(path);
            var last = i == segments.Count - 1;
            if (type != (last ? EntryType.Regular : EntryType.Directory))
            {
                return (null, 0, !last && type == EntryType.Regular ? EntryType.Missing : type);
            }
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return (stream, stream.Length, EntryType.Regular);
    }

    private static EntryType TypeOfMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => EntryType.Regular,
        0x4000 => EntryType.Directory,
        0xA000 => EntryType.SymbolicLink,
        0x1000 => EntryType.Fifo,
        0x2000 => EntryType.CharacterDevice,
        0x6000 => EntryType.BlockDevice,
        _ => EntryType.Socket,
    };

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
