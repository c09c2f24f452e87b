namespace ExternalBackup.Sinks.Resilience;

/// <summary>A sink failure worth retrying (a throttled, reset or timed-out request). Sinks throw it, or a subclass.</summary>
public class TransientSinkException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TransientSinkException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>How long the store asked us to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
