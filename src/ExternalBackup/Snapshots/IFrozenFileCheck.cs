namespace ExternalBackup.Snapshots;

/// <summary>
/// The inline verification of one file, fed the file's bytes in order while they are copied (no second pass).
/// Every chunk but the last has a length that is a multiple of 32 KiB (the largest ESE page), so chunk boundaries
/// fall on page and sector boundaries.
/// </summary>
public interface IFrozenFileCheck
{
    /// <summary>Verifies the bytes at <paramref name="offset"/> (the previous chunk's end).</summary>
    void Append(long offset, ReadOnlySpan<byte> data);

    /// <summary>Ends the file and returns every problem found (empty when the file verified).</summary>
    IReadOnlyList<FrozenFileProblem> Complete();
}
