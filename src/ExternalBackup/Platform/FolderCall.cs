using System.Runtime.InteropServices;

namespace ExternalBackup.Platform;

/// <summary>Runs one call on a folder's own descriptor (<c>fsync</c>, <c>syncfs</c>): opened read-only (<c>O_DIRECTORY</c> on Linux), closed after (Unix only).</summary>
internal static class FolderCall
{
    /// <summary>
    /// Opens <paramref name="folder"/>, runs <paramref name="call"/> on its descriptor and closes it. Throws
    /// <see cref="IOException"/> with <paramref name="cannotOpen"/> or <paramref name="failed"/> of the error number
    /// when the folder cannot be opened or the call returns non-zero.
    /// </summary>
    public static void Run(string folder, Func<int, int> call, Func<int, string> cannotOpen, Func<int, string> failed)
    {
        var fd = LinuxFileCalls.Open(folder, LinuxFileCalls.ReadOnly | (OperatingSystem.IsLinux() ? LinuxFileCalls.DirectoryOnly | LinuxFileCalls.CloseOnExec : 0), 0);
        if (fd < 0)
        {
            throw new IOException(cannotOpen(Marshal.GetLastPInvokeError()));
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException(failed(Marshal.GetLastPInvokeError()));
            }
        }
        finally
        {
            _ = LinuxFileCalls.Close(fd);
        }
    }
}
