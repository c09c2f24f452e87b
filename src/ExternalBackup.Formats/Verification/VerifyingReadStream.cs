namespace ExternalBackup.Formats.Verification;

/// <summary>
/// A read-only pass-through stream that feeds every byte read from <c>inner</c> to an <see cref="IInlineVerifier"/>
/// (a <see cref="DatabasePageVerifier"/> or <see cref="LogFileVerifier"/>), so a copy loop verifies while it copies.
/// The caller calls the verifier's <c>Complete</c> after reading to the end. Seeking is not supported (the verifier
/// needs the bytes in order).
/// </summary>
public sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IInlineVerifier _verifier;
    private readonly bool _leaveOpen;
    private long _position;

    /// <summary>Wraps <paramref name="inner"/> (positioned at the start of the file).</summary>
    public VerifyingReadStream(Stream inner, IInlineVerifier verifier, bool leaveOpen = false)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _leaveOpen = leaveOpen;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _inner.Length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A verifying stream reads forward only.");
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        _verifier.Append(buffer[..n]);
        _position += n;
        return n;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _verifier.Append(buffer.Span[..n]);
        _position += n;
        return n;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A verifying stream reads forward only.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
