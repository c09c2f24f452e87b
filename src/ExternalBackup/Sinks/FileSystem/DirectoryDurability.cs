using System.Runtime.InteropServices;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>Makes a folder's entries (new files, renames) durable: <c>fsync</c> on the folder on Unix.</summary>
internal static partial class DirectoryDurability
{
    private const int ReadOnly = 0;
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on Linux

    /// <summary>Flushes the folder's metadata. On Windows NTFS journals metadata and .NET cannot open a folder for flushing; nothing is done there.</summary>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(folder, ReadOnly | (OperatingSystem.IsLinux() ? DirectoryFlag : 0));
        if (fd < 0)
        {
            throw new IOException($"cannot open folder '{folder}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of folder '{folder}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
