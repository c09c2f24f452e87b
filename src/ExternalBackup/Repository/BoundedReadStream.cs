namespace ExternalBackup.Repository;

/// <summary>
/// A read-only, forward-only view of a stored file that yields exactly the length its manifest gives: it never reads
/// past that length from the inner stream (a link to <c>/dev/zero</c> or a file that grew cannot make a reader spin
/// or fill a disk), and it fails naming the file when the inner stream ends early or, when asked to, has more bytes.
/// </summary>
public sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _length;
    private readonly string _name;
    private readonly bool _checkEnd;
    private readonly IDisposable? _owner;
    private long _position;
    private bool _endChecked;

    /// <summary>Wraps <paramref name="inner"/> (owned, disposed with this stream).</summary>
    /// <param name="inner">The stored bytes, positioned at the file's first byte.</param>
    /// <param name="length">The length the manifest gives.</param>
    /// <param name="name">The file as messages name it ("set 'S': 'logs/edb00001.log'").</param>
    /// <param name="checkEnd">Read one byte past the end to prove the stored file is not longer (not for a slice of a larger stream).</param>
    /// <param name="owner">Something to dispose with the stream (an HTTP response).</param>
    public BoundedReadStream(Stream inner, long length, string name, bool checkEnd = true, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _inner = inner;
        _length = length;
        _name = name;
        _checkEnd = checkEnd;
        _owner = owner;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("a stored file is read forward only");
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            if (buffer.Length > 0)
            {
                CheckEnd(_checkEnd && !_endChecked ? _inner.Read(stackalloc byte[1]) : 0);
            }

            return 0;
        }

        return Advance(_inner.Read(buffer[..wanted]));
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = Wanted(buffer.Length);
        if (wanted == 0)
        {
            if (buffer.Length > 0)
            {
                CheckEnd(_checkEnd && !_endChecked ? await _inner.ReadAsync(buffer[..1], cancellationToken).ConfigureAwait(false) : 0);
            }

            return 0;
        }

        return Advance(await _inner.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a stored file is read forward only");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Wanted(int count) => (int)Math.Min(count, _length - _position);

    private int Advance(int read)
    {
        if (read == 0)
        {
            throw new InvalidDataException($"{_name}: the stored file ends after {_position} bytes, the manifest says {_length}");
        }

        _position += read;
        return read;
    }

    private void CheckEnd(int extra)
    {
        _endChecked = true;
        if (extra > 0)
        {
            throw new InvalidDataException($"{_name}: the stored file is longer than the {_length} bytes the manifest says; nothing past them is read");
        }
    }
}
