using System.Runtime.InteropServices;
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

        var fd = LinuxFileCalls.Open(folder, LinuxFileCalls.ReadOnly | (OperatingSystem.IsLinux() ? LinuxFileCalls.DirectoryOnly | LinuxFileCalls.CloseOnExec : 0), 0);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder '{folder}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (LinuxFileCalls.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of folder '{folder}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = LinuxFileCalls.Close(fd);
        }
    }
}
