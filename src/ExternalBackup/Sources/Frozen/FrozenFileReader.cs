using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Sources.Frozen;

/// <summary>A frozen file read with <see cref="RandomAccess"/> into the pipeline's aligned buffers, each read filling the buffer unless the file ends.</summary>
internal sealed class FrozenFileReader : ISourceFileReader
{
    private readonly SafeFileHandle _handle;
    private readonly string _path;

    /// <summary>Opens <paramref name="path"/>, listed in <paramref name="folder"/> and planned at <paramref name="plannedLength"/> bytes, following no link below <paramref name="folder"/>.</summary>
    public FrozenFileReader(string folder, string path, long plannedLength)
    {
        _path = path;
        Length = plannedLength;
        try
        {
            _handle = Snapshots.FrozenFolderWalker.OpenHandleForReading(folder, path, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Snapshots.FrozenSetException(path, $"cannot be read ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public int Read(Span<byte> buffer, long offset)
    {
        var filled = 0;
        try
        {
            while (filled < buffer.Length)
            {
                var read = RandomAccess.Read(_handle, buffer[filled..], offset + filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (IOException e)
        {
            throw new Snapshots.FrozenSetException(_path, $"cannot be read at offset {offset + filled}: {e.Message}", e);
        }

        return filled;
    }

    /// <inheritdoc />
    public void Complete()
    {
    }

    /// <inheritdoc />
    public string LengthMismatch(long streamed) => $"{_path}: changed while being read: {Length} bytes when planned, {streamed} read; the source is not frozen";

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
