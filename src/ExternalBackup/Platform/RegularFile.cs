using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Platform;

/// <summary>
/// Opens a file for reading only if it is a regular file, without following a symbolic link and without blocking:
/// on Linux with <c>O_NOFOLLOW | O_NONBLOCK | O_NOCTTY</c> and the type of the opened handle checked before the
/// first read (so a FIFO, a device or a socket put in a file's place is never read); elsewhere the entry is checked
/// right before it is opened.
/// </summary>
internal static class RegularFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading when it is a regular file; otherwise returns <see langword="null"/>
    /// with what it is in <paramref name="kind"/> (it was not read, and not opened unless it was opened without
    /// blocking to be looked at). Throws <see cref="IOException"/> naming the path when it cannot be opened.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Sequential scan, asynchronous: as for <see cref="File.OpenHandle"/> (on Linux the handle is synchronous, as .NET's are there).</param>
    /// <param name="kind">What <paramref name="path"/> is.</param>
    public static SafeFileHandle? OpenHandleIfRegular(string path, FileOptions options, out FileEntryKind kind)
    {
        if (!OperatingSystem.IsLinux())
        {
            kind = FileEntry.Of(path).Kind;
            return kind == FileEntryKind.RegularFile
                ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, options)
                : null;
        }

        return OpenHandleIfRegularAt(LinuxFileCalls.CurrentFolder, path, path, options, out kind);
    }

    /// <summary>
    /// As <see cref="OpenHandleIfRegular"/> for <paramref name="name"/> in the open folder <paramref name="folder"/>
    /// (Linux only: <c>openat</c>; <see cref="LinuxFileCalls.CurrentFolder"/> for a path), named <paramref name="shownPath"/> in errors.
    /// </summary>
    internal static SafeFileHandle? OpenHandleIfRegularAt(int folder, string name, string shownPath, FileOptions options, out FileEntryKind kind)
    {
        var path = shownPath;
        var fd = LinuxFileCalls.OpenAt(folder, name, LinuxFileCalls.ReadOnly | LinuxFileCalls.NoFollow | LinuxFileCalls.NonBlocking | LinuxFileCalls.NoControllingTerminal | LinuxFileCalls.CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LinuxFileCalls.TooManyLinks)
            {
                kind = FileEntryKind.SymbolicLink;
                return null;
            }

            throw errno == LinuxFileCalls.NoEntry
                ? new FileNotFoundException($"{path}: not found", path)
                : new IOException($"{path}: cannot open it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            kind = FileEntry.Of(handle, path).Kind;
            if (kind != FileEntryKind.RegularFile)
            {
                handle.Dispose();
                return null;
            }

            // O_NONBLOCK only kept the open from waiting; reads of a regular file ignore it, but clear it all the same.
            var flags = LinuxFileCalls.Fcntl(fd, LinuxFileCalls.GetFlags, 0);
            if (flags < 0 || LinuxFileCalls.Fcntl(fd, LinuxFileCalls.SetFlags, flags & ~LinuxFileCalls.NonBlocking) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"{path}: cannot clear O_NONBLOCK: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }

            if ((options & FileOptions.SequentialScan) != 0)
            {
                _ = LinuxFileCalls.Advise(fd, 0, 0, LinuxFileCalls.AdviseSequential);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="OpenHandleIfRegular"/>, as a stream with a buffer of <paramref name="bufferSize"/> bytes (1 for none).</summary>
    public static FileStream? OpenIfRegular(string path, int bufferSize, FileOptions options, out FileEntryKind kind)
    {
        var handle = OpenHandleIfRegular(path, options, out kind);
        try
        {
            // On Linux .NET runs asynchronous reads of a file on the thread pool whatever the handle: the stream takes
            // the handle as it is opened (synchronous there, overlapped on Windows when asked).
            return handle is null ? null : new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle?.Dispose();
            throw;
        }
    }
}
