using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Checks the bytes of files while they stream through the pipeline (page checksums, log checksums), whatever the
/// source. The one verifier contract: a check collects every problem of its file and never throws for bad content;
/// the file copier decides once the file ended (<see cref="FileVerdict"/>: any problem fails the backup naming the
/// file, its pages and the causes).
/// </summary>
public interface IStreamVerifier
{
    /// <summary>Starts checking one file; the returned checker sees every chunk in order.</summary>
    IFileStreamCheck Begin(BackupFileDescriptor file);
}

/// <summary>
/// The check of one file. Every chunk but the last has a length that is a multiple of 32 KiB (the largest ESE page),
/// so chunks start on page and log-segment boundaries.
/// </summary>
public interface IFileStreamCheck
{
    /// <summary>
    /// Checks the next bytes of the file, which start at <paramref name="offset"/>. A single-bit error the page's ECC
    /// can correct is corrected in <paramref name="data"/> (the copy stores the corrected bytes, as ESE would read
    /// them) and reported in <see cref="FileCheckResult.Corrections"/>.
    /// </summary>
    void Append(Span<byte> data, long offset);

    /// <summary>Ends the file: checks what can only be checked at the end (length, trailer) and returns every problem and fact.</summary>
    FileCheckResult Complete(long length);
}

/// <summary>What a completed check learnt about a file.</summary>
/// <param name="Database">Header facts when the file is a database, else <see langword="null"/>.</param>
/// <param name="LogGeneration">The generation when the file is a log, else <see langword="null"/>.</param>
public sealed record FileCheckResult(ManifestDatabase? Database, long? LogGeneration)
{
    /// <summary>Every problem found (empty when the file verified).</summary>
    public IReadOnlyList<FileProblem> Problems { get; init; } = [];

    /// <summary>Single-bit errors corrected in the copy (their <see cref="EccCorrection.Path"/> is the file's set path).</summary>
    public IReadOnlyList<EccCorrection> Corrections { get; init; } = [];
}

/// <summary>One verification failure inside a file.</summary>
/// <param name="Cause">What is wrong (e.g. "checksum failed (Ecc, block 0)").</param>
/// <param name="Offset">The byte offset in the file where the failing unit starts.</param>
/// <param name="Page">For databases the page number, for logs the segment, else <see langword="null"/>.</param>
public sealed record FileProblem(string Cause, long Offset, long? Page = null);
