namespace ExternalBackup.Formats.Files;

/// <summary>Options of <see cref="EseFileVerifier"/>.</summary>
public sealed record EseFileVerifierOptions
{
    /// <summary>Bytes read per call. Default 4 MiB.</summary>
    public int ReadBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Walk sub-folders of a folder argument. Default true.</summary>
    public bool Recursive { get; init; } = true;

    /// <summary>Run the set checks (log sequence, signatures, logs a dirty database needs). Default true.</summary>
    public bool CheckSets { get; init; } = true;
}
