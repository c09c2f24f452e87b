namespace ExternalBackup.Platform;

/// <summary>
/// Flushes a whole file system to the disk at once (Linux <c>syncfs(2)</c>): every dirty page and inode of it, then
/// one journal commit and one cache flush of the device, which is what <c>sync</c> after <c>cp</c> pays. For a set
/// of many small files it replaces one <c>fsync</c> (and one device flush) per file. It also writes whatever other
/// programs left dirty on that file system, so the directory sink uses it only where it is known to be as durable as
/// <c>fsync</c> of every file: the local journalling file systems whose <c>sync_fs</c> commits their journal and
/// reports its errors (ext4, XFS, btrfs). Elsewhere (FUSE, network file systems, other operating systems) files are
/// flushed one by one. A restore follows the same rule for its staging folder (<c>RestoreStaging</c>).
/// </summary>
internal static class FileSystemFlush
{
    private const long Ext4 = 0xEF53; // EXT4_SUPER_MAGIC (also ext2/ext3)
    private const long Xfs = 0x58465342; // XFS_SUPER_MAGIC
    private const long Btrfs = 0x9123683E; // BTRFS_SUPER_MAGIC
    private const int StatfsBufferBytes = 256; // struct statfs is 120 bytes on 64-bit Linux; f_type (a long) comes first

    /// <summary>Whether <paramref name="folder"/> is on a file system that <see cref="Flush"/> makes durable as a whole.</summary>
    public static unsafe bool IsAvailable(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var buffer = stackalloc byte[StatfsBufferBytes];
        if (LinuxFileCalls.Statfs(folder, buffer) != 0)
        {
            return false;
        }

        var type = (long)*(nint*)buffer & 0xFFFFFFFF;
        return type is Ext4 or Xfs or Btrfs;
    }

    /// <summary>Writes every dirty page and inode of <paramref name="folder"/>'s file system to the disk and waits for it.</summary>
    public static void Flush(string folder)
    {
        FolderCall.Run(
            folder,
            LinuxFileCalls.SyncFs,
            errno => $"cannot open folder '{folder}' to flush its file system (errno {errno})",
            errno => $"flushing the file system of '{folder}' to the disk failed (syncfs, errno {errno})");
    }
}
