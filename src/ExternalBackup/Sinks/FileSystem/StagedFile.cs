using System.Runtime.InteropServices;
using ExternalBackup.Buffers;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// One file of a set being written in the staging folder: its handle, the length written so far, and how its
/// bytes reach the disk.
/// <para>
/// With <see cref="DirectorySinkOptions.UnbufferedWrites"/> on Linux, chunks that start on a
/// <see cref="Alignment"/> boundary in memory and in the file are written with <c>O_DIRECT</c>: straight from
/// the pipeline's buffer to the device, without a copy into the page cache. A short last chunk that lives in an
/// <see cref="AlignedBuffer"/> is written rounded up to the alignment (the slack is zeroed first) and the file is
/// cut back to its real length when it completes. Any other chunk is written through the page cache, with
/// <c>O_DIRECT</c> switched off for that write (<c>fcntl(F_SETFL)</c>), so any chunk shape is accepted.
/// Where <c>O_DIRECT</c> is refused (another OS, a file system without it) every write is buffered.
/// </para>
/// </summary>
internal sealed class StagedFile : IDisposable
{
    /// <summary>The memory and file alignment of unbuffered writes: the page size, a multiple of every sector size.</summary>
    public const int Alignment = 4096;

    private const int InvalidArgument = 22; // EINVAL

    private readonly SafeFileHandle _handle;
    private bool _canWriteDirect;
    private bool _direct;

    private StagedFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The staged file's full path.</summary>
    public string Path { get; }

    /// <summary>One past the last byte written.</summary>
    public long Length { get; private set; }

    /// <summary>Bytes written past the page cache (for diagnostics and tests).</summary>
    public long UnbufferedBytes { get; private set; }

    /// <summary>Creates (or truncates) the file at <paramref name="path"/>.</summary>
    public static StagedFile Create(string path, bool unbuffered)
    {
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.None);
        var file = new StagedFile(path, handle);
        file._canWriteDirect = unbuffered && OperatingSystem.IsLinux() && LinuxFileControl.Direct != 0;
        return file;
    }

    /// <summary>Writes <paramref name="chunk"/> at its offset.</summary>
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk.Offset);
        if (_canWriteDirect && TryAlignedView(chunk, out var aligned) && TrySetDirect(true))
        {
            try
            {
                await RandomAccess.WriteAsync(_handle, aligned, chunk.Offset, cancellationToken).ConfigureAwait(false);
                UnbufferedBytes += chunk.Data.Length;
                Length = Math.Max(Length, chunk.Offset + chunk.Data.Length);
                return;
            }
            catch (IOException e) when (e.HResult == InvalidArgument)
            {
                // The file system takes O_DIRECT at fcntl but refuses this write's alignment: buffer from now on.
                _canWriteDirect = false;
            }
        }

        if (_direct)
        {
            TrySetDirect(false);
        }

        await RandomAccess.WriteAsync(_handle, chunk.Data, chunk.Offset, cancellationToken).ConfigureAwait(false);
        Length = Math.Max(Length, chunk.Offset + chunk.Data.Length);
    }

    /// <summary>Cuts the file to <paramref name="length"/> (dropping the rounding of an unbuffered tail) and, when asked, flushes it to the disk.</summary>
    public void Complete(long length, bool flushToDisk)
    {
        RandomAccess.SetLength(_handle, length);
        if (flushToDisk)
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static bool TryAlignedView(BackupChunk chunk, out ReadOnlyMemory<byte> view)
    {
        view = default;
        if (chunk.Offset % Alignment != 0 || chunk.Data.IsEmpty
            || !MemoryMarshal.TryGetMemoryManager<byte, AlignedBuffer>(chunk.Data, out var buffer, out var start, out var length)
            || (buffer.Address + start) % Alignment != 0)
        {
            return false;
        }

        var rounded = (length + Alignment - 1) / Alignment * Alignment;
        if (start + rounded > buffer.Length)
        {
            return false;
        }

        if (rounded != length)
        {
            // The slack past the chunk belongs to the same pooled buffer; zero it so no stale bytes reach the disk,
            // even for the moment before the file is cut back to its length.
            buffer.GetSpan().Slice(start + length, rounded - length).Clear();
        }

        view = buffer.Memory.Slice(start, rounded);
        return true;
    }

    private bool TrySetDirect(bool direct)
    {
        if (_direct == direct)
        {
            return true;
        }

        var fd = (int)_handle.DangerousGetHandle();
        var flags = LinuxFileControl.Fcntl(fd, LinuxFileControl.GetStatusFlags, 0);
        var wanted = direct ? flags | LinuxFileControl.Direct : flags & ~LinuxFileControl.Direct;
        if (flags < 0 || LinuxFileControl.Fcntl(fd, LinuxFileControl.SetStatusFlags, wanted) < 0)
        {
            if (direct)
            {
                // The file system refuses O_DIRECT (EINVAL): every write of this file goes through the page cache.
                _canWriteDirect = false;
                return false;
            }

            throw new IOException($"'{Path}': switching off unbuffered writes failed (errno {Marshal.GetLastPInvokeError()})");
        }

        _direct = direct;
        return true;
    }
}
