using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// One file of a set being written in the staging folder: its handle, the length written so far, and how its
/// bytes reach the disk.
/// <para>
/// With flush-behind (<see cref="DirectorySinkOptions.FlushBehind"/>, Linux) the file is written through the page
/// cache, and each time another window of bytes is complete its writeback is started
/// (<c>sync_file_range(WRITE)</c>); the window before it is waited for and dropped from the cache
/// (<c>posix_fadvise(DONTNEED)</c>). The disk then writes while the backup reads and hashes the next chunks, in the
/// large, deep-queued requests the kernel's writeback makes, the final <c>fsync</c> finds little left to do, and a
/// multi-gigabyte backup holds at most two windows of the page cache instead of evicting the server's cached
/// database pages. Elsewhere, or where the file system refuses <c>sync_file_range</c>, the file is written through
/// the page cache and flushed at the end only.
/// </para>
/// <para>
/// A completed file's last bytes are handed to the disk at once (<see cref="Complete"/>), and the sink waits for them
/// later (<see cref="Settle"/>), so a set of many small files keeps the disk writing while the next files are copied,
/// as a long file does.
/// </para>
/// </summary>
internal sealed class StagedFile : IDisposable
{
    private const int InvalidArgument = 22; // EINVAL
    private const int IllegalSeek = 29; // ESPIPE
    private const int NotImplemented = 38; // ENOSYS
    private const long ToEnd = 0; // sync_file_range's byte count meaning "through the end of the file"

    private readonly SafeFileHandle _handle;
    private readonly long _window;
    private bool _flushBehind;
    private long _started;
    private long _settled;

    private StagedFile(string path, SafeFileHandle handle, long window)
    {
        Path = path;
        _handle = handle;
        _window = window;
        _flushBehind = window > 0 && OperatingSystem.IsLinux();
    }

    /// <summary>The staged file's full path.</summary>
    public string Path { get; }

    /// <summary>One past the last byte written.</summary>
    public long Length { get; private set; }

    /// <summary>Bytes already written back to the disk and dropped from the page cache while the file was being written.</summary>
    public long SettledBytes => _settled;

    /// <summary>Whether flush-behind is on for this file: Linux, a window was given, and the file system has not refused <c>sync_file_range</c>.</summary>
    public bool FlushesBehind => _flushBehind;

    /// <summary>Creates (or truncates) the file at <paramref name="path"/>; <paramref name="flushBehindWindow"/> 0 turns flush-behind off.</summary>
    public static StagedFile Create(string path, long flushBehindWindow) =>
        new(path, File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.None), flushBehindWindow);

    /// <summary>
    /// Creates the file at <paramref name="path"/>, which must not exist yet (a restore's staging folder), for writing
    /// only; <paramref name="flushBehindWindow"/> 0 turns flush-behind off.
    /// </summary>
    public static StagedFile CreateNew(string path, long flushBehindWindow) =>
        new(path, File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None), flushBehindWindow);

    /// <summary>Writes <paramref name="chunk"/> at its offset, then starts or settles the writeback of whole windows behind it.</summary>
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk.Offset);
        await RandomAccess.WriteAsync(_handle, chunk.Data, chunk.Offset, cancellationToken).ConfigureAwait(false);
        Length = Math.Max(Length, chunk.Offset + chunk.Data.Length);
        while (_flushBehind && Length - _started >= _window)
        {
            // Start writing the window just completed; wait for the one before it (it has had a whole window's
            // time to reach the disk) and let its pages go.
            if (!Writeback(_started, LinuxWriteback.Write))
            {
                break;
            }

            _started += _window;
            if (_started - _settled >= 2 * _window)
            {
                if (!Writeback(_settled, LinuxWriteback.WaitBefore | LinuxWriteback.Write | LinuxWriteback.WaitAfter))
                {
                    break;
                }

                _ = Platform.LinuxFileCalls.Advise(Descriptor, _settled, _window, LinuxWriteback.DontNeed);
                _settled += _window;
            }
        }
    }

    /// <summary>
    /// The file is whole (it was created empty, so its size is <see cref="Length"/>): with flush-behind the
    /// writeback of the bytes not yet started begins, without waiting for it.
    /// </summary>
    public void Complete()
    {
        if (_flushBehind && Length > _started && Writeback(_started, LinuxWriteback.Write, ToEnd))
        {
            _started = Length;
        }
    }

    /// <summary>
    /// With flush-behind: waits until every byte of the completed file has been written to the disk (an error names
    /// the file) and lets its pages leave the page cache. What is left to make the file durable is its metadata and
    /// the device's cache (<see cref="Platform.FileSystemFlush"/>). Returns <see langword="false"/> when the file system
    /// refused range writeback; the file then needs <see cref="FlushToDisk"/>.
    /// </summary>
    public bool Settle()
    {
        if (!_flushBehind || (Length > _settled && !Writeback(_settled, LinuxWriteback.WaitBefore | LinuxWriteback.Write | LinuxWriteback.WaitAfter, ToEnd)))
        {
            return false;
        }

        _ = Platform.LinuxFileCalls.Advise(Descriptor, 0, 0, LinuxWriteback.DontNeed);
        _settled = Length;
        return true;
    }

    /// <summary>Flushes the file's data and size to the disk; with flush-behind its pages then leave the page cache.</summary>
    public void FlushToDisk()
    {
        RandomAccess.FlushToDisk(_handle);
        if (_flushBehind)
        {
            // Every page is clean now: none of the backup needs to stay in the cache.
            _ = Platform.LinuxFileCalls.Advise(Descriptor, 0, 0, LinuxWriteback.DontNeed);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private int Descriptor => (int)_handle.DangerousGetHandle();

    private bool Writeback(long offset, uint flags) => Writeback(offset, flags, _window);

    private bool Writeback(long offset, uint flags, long bytes)
    {
        if (LinuxWriteback.SyncFileRange(Descriptor, offset, bytes, flags) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is InvalidArgument or IllegalSeek or NotImplemented)
        {
            // This file system (or kernel) has no range writeback: the final fsync does all the work.
            _flushBehind = false;
            return false;
        }

        throw new IOException($"'{Path}': writing bytes {offset}..{(bytes == ToEnd ? Length : offset + bytes) - 1} to the disk failed (errno {errno})");
    }
}
