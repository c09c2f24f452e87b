using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline;

/// <summary>Checks the bytes of files while they stream through the pipeline (page checksums, log checksums).</summary>
public interface IStreamVerifier
{
    /// <summary>Starts checking one file; the returned checker sees every chunk in order.</summary>
    IFileStreamCheck Begin(BackupFileDescriptor file);
}

/// <summary>The check of one file. Throws <see cref="BackupVerificationException"/> at the first bad byte range.</summary>
public interface IFileStreamCheck
{
    /// <summary>Checks the next bytes of the file, which start at <paramref name="offset"/>.</summary>
    void Append(ReadOnlySpan<byte> data, long offset);

    /// <summary>Checks what can only be checked at the end (length, trailer); returns facts for the manifest.</summary>
    FileCheckResult Complete(long length);
}

/// <summary>What a completed check learnt about a file.</summary>
/// <param name="Database">Header facts when the file is a database, else <see langword="null"/>.</param>
/// <param name="LogGeneration">The generation when the file is a log, else <see langword="null"/>.</param>
public sealed record FileCheckResult(Manifest.ManifestDatabase? Database, long? LogGeneration);
