using ExternalBackup.Platform;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>Makes a folder's entries (new files, renames) durable: <c>fsync</c> on the folder on Unix.</summary>
internal static class DirectoryDurability
{
    /// <summary>Flushes the folder's metadata. On Windows NTFS journals metadata and .NET cannot open a folder for flushing; nothing is done there.</summary>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        FolderCall.Run(
            folder,
            LinuxFileCalls.Fsync,
            errno => $"cannot open folder '{folder}' to flush it (errno {errno})",
            errno => $"fsync of folder '{folder}' failed (errno {errno})");
    }
}
