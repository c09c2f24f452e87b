using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ExternalBackup.Platform;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// The one-writer-at-a-time lock of a folder (a backup destination: <c>DEST/.lock</c>; any folder its caller names
/// with <see cref="LockedFolder"/>, such as the engine model's instance folder), holding who took it (process id,
/// host, command line).
/// <list type="bullet">
/// <item>Linux: an advisory <c>flock</c> on the file (the same lock older versions took through
/// <see cref="FileShare.None"/>). The file is only ever deleted by its holder, while it still holds it, and a
/// process that locked a file checks that the path still names the file it locked (else it was deleted under it
/// by the holder that just finished, and it tries again): so two processes never both hold the lock, and a
/// destination is left without a <c>.lock</c> after a run.</item>
/// <item>Windows: the file opened without write sharing (mandatory); its holder deletes it after closing it, which
/// fails harmlessly when another process has opened it since. Other systems: .NET's <see cref="FileShare.None"/>.</item>
/// </list>
/// A destination that cannot be written is reported as read-only, not as locked.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    private const int MaxAttempts = 100;
    private const int HolderBytes = 4096;

    private readonly string _path;
    private SafeFileHandle? _handle;
    private FileStream? _windowsStream;

    private DirectoryLock(string path, SafeFileHandle? handle, FileStream? windowsStream)
    {
        _path = path;
        _handle = handle;
        _windowsStream = windowsStream;
    }

    /// <summary>Takes the lock of backup destination <paramref name="destination"/> (file <paramref name="fileName"/> in it), or throws <see cref="IOException"/> saying who holds it or that the destination is read-only.</summary>
    public static DirectoryLock Acquire(string destination, string fileName) => Acquire(destination, fileName, LockedFolder.BackupDestination);

    /// <summary>Takes the lock of <paramref name="folder"/> (file <paramref name="fileName"/> in it), or throws <see cref="IOException"/> saying who holds it or that the folder is read-only, naming the folder as <paramref name="folderIs"/> says.</summary>
    public static DirectoryLock Acquire(string folder, string fileName, LockedFolder folderIs)
    {
        ArgumentNullException.ThrowIfNull(folderIs);
        var path = Path.Combine(folder, fileName);
        var destination = new Named(folder, folderIs);
        return OperatingSystem.IsLinux() ? AcquireOnLinux(destination, path) : AcquireByShareMode(destination, path);
    }

    /// <summary>A locked folder and what it is, for messages.</summary>
    private sealed record Named(string Folder, LockedFolder Is)
    {
        public override string ToString() => Folder;
    }

    /// <summary>Releases the lock and deletes the file (on Linux while it is still held).</summary>
    public void Dispose()
    {
        if (_handle is { } handle)
        {
            _handle = null;
            try
            {
                // Deleted while still held: whoever opened it meanwhile finds, once it has the lock, that the path no
                // longer names the file it locked, and opens the path again.
                if (FileEntry.Of(_path).IsSameFileAs(FileEntry.Of(handle, _path)))
                {
                    _ = LinuxFileCalls.Unlink(_path);
                }
            }
            catch (IOException)
            {
                // Left in place: the next writer takes the lock on it as on any leftover.
            }
            finally
            {
                handle.Dispose();
            }
        }

        if (_windowsStream is { } stream)
        {
            _windowsStream = null;
            stream.Dispose();
            try
            {
                File.Delete(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another writer opened the lock file since we closed it: the file is theirs now, and so is the lock.
            }
        }
    }

    private static DirectoryLock AcquireOnLinux(Named destination, string path)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var fd = LinuxFileCalls.Open(path, LinuxFileCalls.ReadWrite | LinuxFileCalls.Create | LinuxFileCalls.NoFollow | LinuxFileCalls.NonBlocking | LinuxFileCalls.CloseOnExec, 0x1A4 /* 0644 */);
            if (fd < 0)
            {
                throw CannotOpen(destination, path, Marshal.GetLastPInvokeError());
            }

            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                if (FileEntry.Of(handle, path).Kind is var kind && kind != FileEntryKind.RegularFile)
                {
                    throw new IOException($"the lock file {path} is {kind.Describe()}, not a regular file: refusing to use it");
                }

                int errno;
                while (LinuxFileCalls.Flock(fd, LinuxFileCalls.LockExclusive | LinuxFileCalls.LockNonBlocking) != 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == LinuxFileCalls.Interrupted)
                    {
                        continue;
                    }

                    throw errno == LinuxFileCalls.WouldBlock
                        ? Held(destination, path, ReadHolder(handle))
                        : new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }

                var locked = FileEntry.Of(handle, path);
                if (!FileEntry.Of(path).IsSameFileAs(locked))
                {
                    // The holder before us deleted the file after we opened it: the lock we hold is on nothing.
                    handle.Dispose();
                    continue;
                }

                WriteHolder(handle, path);
                return new DirectoryLock(path, handle, null);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        throw new IOException($"cannot take the lock {path}: it was deleted and re-created {MaxAttempts} times while being taken");
    }

    private static DirectoryLock AcquireByShareMode(Named destination, string path)
    {
        FileStream stream;
        try
        {
            // Windows: others may read who holds it, never write it (a second writer's open fails with a sharing
            // violation). Other systems: .NET's exclusive flock, which a shared reader would weaken.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, OperatingSystem.IsWindows() ? FileShare.Read : FileShare.None, 1, FileOptions.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"the {destination.Is.What} {destination} is read-only for this process: cannot create its lock file {path} ({e.Message})", e);
        }
        catch (IOException e) when (OperatingSystem.IsWindows() && (e.HResult & 0xFFFF) == 19)
        {
            throw new IOException($"the {destination.Is.What} {destination} is read-only (write-protected media): cannot create its lock file {path}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw Held(destination, path, ReadHolderByShareMode(path));
        }

        try
        {
            var text = HolderText();
            stream.SetLength(0);
            stream.Write(text);
            stream.Flush();
            return new DirectoryLock(path, null, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static IOException CannotOpen(Named destination, string path, int errno) => errno switch
    {
        LinuxFileCalls.ReadOnlyFileSystem => new IOException($"the {destination.Is.What} {destination} is read-only (a read-only file system): cannot create its lock file {path}"),
        LinuxFileCalls.AccessDenied or LinuxFileCalls.NotPermitted => new IOException($"the {destination.Is.What} {destination} is read-only for this process ({Marshal.GetPInvokeErrorMessage(errno)}): cannot create its lock file {path}"),
        LinuxFileCalls.TooManyLinks => new IOException($"the lock file {path} is a symbolic link: refusing to follow it"),
        _ => new IOException($"cannot open the lock file {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"),
    };

    private static IOException Held(Named destination, string path, string? holder) =>
        new($"{destination.Is.HeldBy} {destination}: its lock file {path} is held by {(string.IsNullOrWhiteSpace(holder) ? "a process that did not record itself" : holder)}");

    private static byte[] HolderText()
    {
        var command = string.Join(' ', Environment.GetCommandLineArgs());
        var text = string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} on {Environment.MachineName}: {command}");
        var bytes = Encoding.UTF8.GetBytes(text.ReplaceLineEndings(" "));
        return bytes.Length <= HolderBytes ? bytes : bytes[..HolderBytes];
    }

    private static void WriteHolder(SafeFileHandle handle, string path)
    {
        var text = HolderText();
        if (LinuxFileCalls.Truncate((int)handle.DangerousGetHandle(), 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot write the lock file {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        RandomAccess.Write(handle, text, 0);
    }

    private static string? ReadHolder(SafeFileHandle handle)
    {
        try
        {
            var buffer = new byte[HolderBytes];
            var read = RandomAccess.Read(handle, buffer, 0);
            var recorded = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return recorded.Length > 0 ? recorded : HolderFromKernel(FileEntry.Of(handle, "the lock file"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The process the kernel lists as holding an flock on <paramref name="file"/> (<c>/proc/locks</c>: "1: FLOCK
    /// ADVISORY WRITE pid maj:min:inode 0 EOF"): for a holder that has not written itself into the file yet, or
    /// an older version that never does.
    /// </summary>
    private static string? HolderFromKernel(FileEntry file)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{file.Device >> 32:x2}:{file.Device & 0xFFFFFFFF:x2}:{file.Inode}");
        foreach (var line in File.ReadLines("/proc/locks"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 5 && fields[1] == "FLOCK" && fields[5] == id && int.TryParse(fields[4], CultureInfo.InvariantCulture, out var pid) && pid > 0)
            {
                var command = File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : "?";
                return $"process {pid} ({command}), which has not recorded more";
            }
        }

        return null;
    }

    private static string? ReadHolderByShareMode(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[HolderBytes];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
