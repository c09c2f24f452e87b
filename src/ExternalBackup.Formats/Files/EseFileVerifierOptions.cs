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

    /// <summary>
    /// Asked for every file before it is opened: why it must not be read (a link, a FIFO, a device, a socket; opening a
    /// FIFO waits for a writer forever, reading a device may never end), or <see langword="null"/> to read it. A refused
    /// file is reported as a problem naming it and the cause, and never opened. Default
    /// <see cref="EseFileVerifier.RefuseLinks"/>: links only, the one kind the portable file API tells apart; the
    /// command line passes <c>ExternalBackup.Platform.LocalFileCheck.WhyNotRead</c>, which sees every kind.
    /// </summary>
    public Func<string, string?> RefuseBeforeOpening { get; init; } = EseFileVerifier.RefuseLinks;

    /// <summary>Hears how far a <see cref="EseFileVerifier.VerifyAsync"/> is: as each file begins and after every buffer read (<see cref="VerifierProgress"/>). Default none.</summary>
    public IProgress<VerifierProgress>? Progress { get; init; }
}
