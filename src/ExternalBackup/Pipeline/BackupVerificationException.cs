namespace ExternalBackup.Pipeline;

/// <summary>A file of a backup failed verification: names the file, where (page, generation or byte offset) and why.</summary>
public sealed class BackupVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file (as the engine or snapshot named it).</param>
    /// <param name="offset">Byte offset of the bad range in the file.</param>
    /// <param name="cause">What is wrong, including page number or generation when known.</param>
    public BackupVerificationException(string file, long offset, string cause)
        : base($"{file}: at offset {offset}: {cause}")
    {
        File = file;
        Offset = offset;
        Cause = cause;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>Byte offset of the bad range.</summary>
    public long Offset { get; }

    /// <summary>What is wrong.</summary>
    public string Cause { get; }
}
