using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Platform;

/// <summary>
/// A folder entry as it is, without following it and without opening it: its kind and, on Linux, the device and
/// inode that identify it (two paths naming the same folder have the same pair). On Linux from <c>statx</c> with
/// <c>AT_SYMLINK_NOFOLLOW</c>; elsewhere from the entry's attributes (a reparse point is a link; device and inode 0).
/// </summary>
/// <param name="Kind">What the entry is.</param>
/// <param name="Device">The device holding it (major &lt;&lt; 32 | minor), 0 where unknown.</param>
/// <param name="Inode">Its inode, 0 where unknown.</param>
/// <param name="Length">Its size in bytes (Linux; 0 elsewhere).</param>
internal readonly record struct FileEntry(FileEntryKind Kind, ulong Device, ulong Inode, long Length = 0)
{
    private const int TypeMask = 0xF000;

    /// <summary>Describes the entry at <paramref name="path"/> itself (a link is a <see cref="FileEntryKind.SymbolicLink"/>); throws <see cref="IOException"/> naming the path when it cannot be looked at.</summary>
    public static FileEntry Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return Statx(LinuxFileCalls.CurrentFolder, path, LinuxFileCalls.SymlinkNoFollow, path);
        }

        var info = new FileInfo(path);
        if (!info.Exists && !System.IO.Directory.Exists(path))
        {
            return new FileEntry(info.LinkTarget is null ? FileEntryKind.Missing : FileEntryKind.SymbolicLink, 0, 0);
        }

        var attributes = info.Attributes;
        return new FileEntry(
            (attributes & FileAttributes.ReparsePoint) != 0 || info.LinkTarget is not null ? FileEntryKind.SymbolicLink
            : (attributes & FileAttributes.Directory) != 0 ? FileEntryKind.Folder
            : (attributes & FileAttributes.Device) != 0 ? FileEntryKind.CharacterDevice
            : FileEntryKind.RegularFile,
            0,
            0);
    }

    /// <summary>Describes the open file <paramref name="handle"/> (Linux only: <c>statx</c> with <c>AT_EMPTY_PATH</c>).</summary>
    public static FileEntry Of(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Statx((int)handle.DangerousGetHandle(), "", LinuxFileCalls.EmptyPath | LinuxFileCalls.SymlinkNoFollow, path);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Whether both describe the same file (Linux: same device and inode).</summary>
    public bool IsSameFileAs(FileEntry other) => Kind != FileEntryKind.Missing && Device == other.Device && Inode == other.Inode;

    /// <summary>
    /// <c>statx(folder, path, flags)</c> (Linux): the entry, or <see langword="null"/> with the error number in
    /// <paramref name="errno"/> when it cannot be looked at (<c>ENOENT</c> where nothing is there).
    /// </summary>
    internal static FileEntry? TryStatx(int folder, string path, int flags, out int errno)
    {
        Span<byte> buffer = stackalloc byte[LinuxFileCalls.StatxSize];
        buffer.Clear();
        if (LinuxFileCalls.Statx(folder, path, flags, LinuxFileCalls.TypeInodeAndSize, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        var mode = MemoryMarshal.Read<ushort>(buffer[LinuxFileCalls.StatxModeOffset..]);
        var kind = (mode & TypeMask) switch
        {
            0x8000 => FileEntryKind.RegularFile,
            0x4000 => FileEntryKind.Folder,
            0xA000 => FileEntryKind.SymbolicLink,
            0x1000 => FileEntryKind.Fifo,
            0x2000 => FileEntryKind.CharacterDevice,
            0x6000 => FileEntryKind.BlockDevice,
            0xC000 => FileEntryKind.Socket,
            _ => FileEntryKind.Other,
        };
        var inode = MemoryMarshal.Read<ulong>(buffer[LinuxFileCalls.StatxInodeOffset..]);
        var length = (long)MemoryMarshal.Read<ulong>(buffer[LinuxFileCalls.StatxSizeOffset..]);
        var major = MemoryMarshal.Read<uint>(buffer[LinuxFileCalls.StatxDeviceOffset..]);
        var minor = MemoryMarshal.Read<uint>(buffer[(LinuxFileCalls.StatxDeviceOffset + 4)..]);
        return new FileEntry(kind, ((ulong)major << 32) | minor, inode, length);
    }

    private static FileEntry Statx(int folder, string path, int flags, string shownPath)
    {
        if (TryStatx(folder, path, flags, out var errno) is { } entry)
        {
            return entry;
        }

        if (errno == LinuxFileCalls.NoEntry)
        {
            return new FileEntry(FileEntryKind.Missing, 0, 0);
        }

        throw new IOException($"{shownPath}: cannot look at it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }
}
