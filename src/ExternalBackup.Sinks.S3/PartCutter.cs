namespace ExternalBackup.Sinks.S3;

/// <summary>Receives part <paramref name="number"/> of a file: the first <paramref name="size"/> bytes of <paramref name="buffer"/>, a buffer of the pool it now owns.</summary>
internal delegate void PartCut(byte[] buffer, int size, int number);

/// <summary>
/// Cuts the bytes of one file, as the pipeline writes them, into parts of a fixed size held in buffers rented from
/// the pool, and hands each full part on once bytes follow it. What is left when the file ends is taken whole
/// (<see cref="TakeRest"/>) or cut as the last part (<see cref="CutRest"/>).
/// </summary>
internal sealed class PartCutter(BackupFileDescriptor file, int partSize, PartBufferPool buffers, PartCut cut)
{
    private byte[]? _buffer;
    private int _filled;
    private int _nextPart = 1;

    /// <summary>Bytes accepted so far.</summary>
    public long Received { get; private set; }

    /// <summary>How many parts were handed on so far.</summary>
    public int PartsCut => _nextPart - 1;

    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        var data = chunk.Data;
        if (chunk.Offset > Received)
        {
            throw new InvalidOperationException($"{file.Path}: write at offset {chunk.Offset} leaves a gap after the {Received} bytes written so far");
        }

        if (chunk.Offset < Received)
        {
            // A repeated write (the pipeline retried): keep only the bytes not yet accepted.
            var seen = Received - chunk.Offset;
            if (seen >= data.Length)
            {
                return;
            }

            data = data[(int)seen..];
        }

        Received += data.Length;
        while (!data.IsEmpty)
        {
            // A full part goes once bytes follow it, not when it fills: a file of exactly one part is still sent with
            // one PutObject (a multipart upload of one part costs an initiation and a completion more).
            if (_filled == partSize)
            {
                CutPart();
            }

            _buffer ??= await buffers.RentAsync(partSize, cancellationToken).ConfigureAwait(false);
            var n = Math.Min(partSize - _filled, data.Length);
            data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            data = data[n..];
        }
    }

    /// <summary>Hands on the bytes not yet handed on, if any, as the last part.</summary>
    public void CutRest()
    {
        if (_filled > 0)
        {
            CutPart();
        }
    }

    /// <summary>Takes the bytes not yet handed on, with their buffer (none when the file is empty), for the caller to return to the pool.</summary>
    public (byte[]? Buffer, int Size) TakeRest()
    {
        var buffer = _buffer;
        var size = _filled;
        _buffer = null;
        _filled = 0;
        return (buffer, size);
    }

    /// <summary>Gives the buffer being filled back to the pool: the file goes no further.</summary>
    public void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            buffers.Return(_buffer);
            _buffer = null;
        }
    }

    private void CutPart()
    {
        var buffer = _buffer!;
        var size = _filled;
        _buffer = null;
        _filled = 0;
        var number = _nextPart++;
        if (number > S3SinkOptions.S3MaximumPartCount)
        {
            buffers.Return(buffer);
            throw new InvalidDataException(
                $"{file.Path}: longer than {S3SinkOptions.S3MaximumPartCount} parts of {partSize} bytes (announced {file.ExpectedLength} bytes, received {Received})");
        }

        cut(buffer, size, number);
    }
}
