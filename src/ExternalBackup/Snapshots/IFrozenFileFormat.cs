using ExternalBackup.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Snapshots;

/// <summary>
/// What the frozen-folder source needs from the ESE format library: what a file is from its header, whether a file
/// whose header is not recognised still holds database pages (a damaged header), and the one verifier contract
/// (<see cref="IStreamVerifier"/>) every copied file goes through. The implementation over
/// <c>ExternalBackup.Formats</c> is <see cref="EseFrozenFileFormat"/>.
/// </summary>
public interface IFrozenFileFormat
{
    /// <summary>How many leading bytes <see cref="Identify"/> needs (it is given fewer only when the file is shorter).</summary>
    int HeaderBytes { get; }

    /// <summary>
    /// The header facts of the file at <paramref name="path"/> from its first bytes, or <see langword="null"/> when it
    /// is not an ESE database, log or checkpoint. Throws <see cref="InvalidDataException"/> naming the file and cause
    /// when it looks like one but its header is damaged.
    /// </summary>
    FrozenFileHeader? Identify(string path, ReadOnlySpan<byte> head, long length);

    /// <summary>
    /// Whether a file <see cref="Identify"/> did not recognise holds database pages after where its header pages would
    /// be (its header pages zeroed or overwritten): the page size that fits, or <see langword="null"/>.
    /// </summary>
    int? DatabasePageSizeBehindHeader(SafeFileHandle file, long length);

    /// <summary>Creates the verifier of one backup run.</summary>
    IStreamVerifier CreateVerifier();
}
