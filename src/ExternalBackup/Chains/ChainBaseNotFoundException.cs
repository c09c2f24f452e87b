namespace ExternalBackup.Chains;

/// <summary>
/// An incremental or differential backup was refused because the destination holds no committed set it can extend:
/// none of the same instance and log stream (identity) whose log generations it continues. Thrown before the
/// engine's backup begins when the destination has no set of the instance at all, else as soon as the logs' headers
/// show the log stream and generations, always before anything is committed or truncated. Pass
/// <c>--allow-orphan</c> (or the options' <c>AllowOrphan</c>) when the base is kept in a catalogue of one's own.
/// </summary>
public sealed class ChainBaseNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The reason, naming the instance and the sets considered.</param>
    public ChainBaseNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChainBaseNotFoundException()
        : base("no committed set of this instance's chain is in the destination")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChainBaseNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
