using System.Runtime.InteropServices;
using ExternalBackup.Platform;
using ExternalBackup.Repository;

namespace ExternalBackup.Restore;

/// <summary>
/// The folder a restore is written into, beside its target (<c>.&lt;target&gt;.restoring</c>), renamed onto the
/// target once every file is on the disk. A killed restore leaves only the staging folder, which the next restore
/// of the same target removes; the target is never touched until the rename.
/// </summary>
internal static class RestoreStaging
{
    /// <summary>The suffix of staging folders.</summary>
    public const string Suffix = ".restoring";

    /// <summary>Checks the target and makes a fresh staging folder beside it.</summary>
    /// <exception cref="IOException">The target exists and is not an empty folder.</exception>
    public static string Prepare(string target)
    {
        var type = NoFollowPath.KindOf(target);
        if (type == FileEntryKind.Folder && System.IO.Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"the restore target '{target}' is not empty");
        }

        if (type is not (FileEntryKind.Folder or FileEntryKind.Missing))
        {
            throw new IOException($"the restore target '{target}' is {type.DescribeInSet()}");
        }

        var parent = Path.GetDirectoryName(target) ?? throw new IOException($"the restore target '{target}' has no parent folder");
        System.IO.Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, "." + Path.GetFileName(target) + Suffix);
        var leftover = NoFollowPath.KindOf(staging);
        if (leftover == FileEntryKind.Folder)
        {
            System.IO.Directory.Delete(staging, recursive: true);
        }
        else if (leftover != FileEntryKind.Missing)
        {
            File.Delete(staging);
        }

        System.IO.Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>
    /// Whether <see cref="Commit"/> puts every file in <paramref name="staging"/> on the disk with one <c>syncfs</c>,
    /// so files need no flush of their own: the folder sink's rule (<see cref="FileSystemFlush.IsAvailable"/>: Linux
    /// ext4, XFS, btrfs); elsewhere every file is flushed as it is restored.
    /// </summary>
    public static bool SyncsWholeFileSystem(string staging) => FileSystemFlush.IsAvailable(staging);

    /// <summary>
    /// Puts the staged files and folders on the disk (with <paramref name="wholeFileSystem"/>, from
    /// <see cref="SyncsWholeFileSystem"/>: one <c>syncfs</c> of the staging folder's file system, as <c>sync</c> after
    /// <c>cp</c>; otherwise each folder, the files having been flushed one by one) and renames the staging folder
    /// onto <paramref name="target"/> (replacing an empty target folder in one step on Linux).
    /// </summary>
    public static void Commit(string staging, string target, bool wholeFileSystem)
    {
        if (wholeFileSystem)
        {
            FileSystemFlush.Flush(staging);
        }
        else
        {
            foreach (var folder in System.IO.Directory.EnumerateDirectories(staging, "*", SearchOption.AllDirectories).Append(staging))
            {
                Sinks.FileSystem.DirectoryDurability.Flush(folder);
            }
        }

        if (OperatingSystem.IsLinux())
        {
            if (LinuxFileCalls.Rename(staging, target) != 0)
            {
                throw new IOException($"cannot rename the restore into place '{target}' (errno {Marshal.GetLastPInvokeError()}; the target must be an empty folder or absent)");
            }
        }
        else
        {
            if (System.IO.Directory.Exists(target))
            {
                System.IO.Directory.Delete(target);
            }

            System.IO.Directory.Move(staging, target);
        }

        Sinks.FileSystem.DirectoryDurability.Flush(Path.GetDirectoryName(target)!);
    }

    /// <summary>Removes a staging folder after a failure (best effort: the next restore removes what is left).</summary>
    public static void Discard(string staging)
    {
        try
        {
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
