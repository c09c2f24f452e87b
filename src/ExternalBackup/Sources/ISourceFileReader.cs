namespace ExternalBackup.Sources;

/// <summary>
/// One open file of a source, read from start to end by one thread in buffer-sized steps. Reads block (the engine's
/// calls and <see cref="RandomAccess"/> are synchronous), so the copier gives the reader a thread of its own.
/// Engine reads are never retried: ESE retries its own I/O, and -1018 is corruption, not a transient fault.
/// </summary>
internal interface ISourceFileReader : IDisposable
{
    /// <summary>The length the source announced when it opened the file.</summary>
    long Length { get; }

    /// <summary>Reads the next bytes (at <paramref name="offset"/>, the end of the previous read) into <paramref name="buffer"/>; 0 at the end.</summary>
    int Read(Span<byte> buffer, long offset);

    /// <summary>Ends a file read to its end (the engine's <c>JetCloseFileInstance</c>); <see cref="IDisposable.Dispose"/> alone is the cleanup after a failure.</summary>
    void Complete();

    /// <summary>Why <paramref name="streamed"/> bytes, where <see cref="Length"/> were announced, is wrong, in the source's words.</summary>
    string LengthMismatch(long streamed);
}
