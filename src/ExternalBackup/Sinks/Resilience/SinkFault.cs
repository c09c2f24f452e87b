namespace ExternalBackup.Sinks.Resilience;

/// <summary>What a sink says of one of its failures: whether repeating the call may succeed, and how long to wait first.</summary>
/// <param name="IsTransient">Whether the same call, repeated, may succeed (throttling, a reset connection, a timeout).</param>
/// <param name="RetryAfter">How long the store asked the client to wait (<c>Retry-After</c>), when it said.</param>
public readonly record struct SinkFault(bool IsTransient, TimeSpan? RetryAfter = null)
{
    /// <summary>A failure that repeating will not mend: the call fails at once.</summary>
    public static SinkFault Permanent => new(false);

    /// <summary>A failure worth retrying after the usual backoff, or after <paramref name="retryAfter"/> when the store asked for it.</summary>
    public static SinkFault Transient(TimeSpan? retryAfter = null) => new(true, retryAfter);
}
