namespace ExternalBackup.Sources;

/// <summary>A document a source holds in memory (a snapshot's writer documents), read like a file.</summary>
internal sealed class DocumentReader(string name, ReadOnlyMemory<byte> content) : ISourceFileReader
{
    /// <inheritdoc />
    public long Length => content.Length;

    /// <inheritdoc />
    public int Read(Span<byte> buffer, long offset)
    {
        if (offset >= content.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, content.Length - offset);
        content.Span.Slice((int)offset, count).CopyTo(buffer);
        return count;
    }

    /// <inheritdoc />
    public void Complete()
    {
    }

    /// <inheritdoc />
    public string LengthMismatch(long streamed) => $"{name}: {Length} bytes held, {streamed} read";

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
