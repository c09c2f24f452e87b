namespace ExternalBackup.Snapshots;

/// <summary>
/// What the frozen-folder source needs from the ESE format library: read a file's header facts, and verify its
/// pages (databases) or log segments (logs) inline. The implementation over <c>ExternalBackup.Formats</c> is
/// <see cref="EseFrozenFileVerifier"/>.
/// </summary>
public interface IFrozenFileVerifier
{
    /// <summary>How many leading bytes <see cref="Identify"/> needs (it is given fewer only when the file is shorter).</summary>
    int HeaderBytes { get; }

    /// <summary>
    /// The header facts of the file at <paramref name="path"/> from its first bytes, or <see langword="null"/> when it
    /// is not an ESE database, log or checkpoint. Throws <see cref="InvalidDataException"/> naming the file and cause
    /// when it looks like one but its header is damaged.
    /// </summary>
    FrozenFileHeader? Identify(string path, ReadOnlySpan<byte> head, long length);

    /// <summary>Starts the inline verification of a file identified by <see cref="Identify"/>.</summary>
    IFrozenFileCheck BeginCheck(FrozenFileHeader header, long length);
}
