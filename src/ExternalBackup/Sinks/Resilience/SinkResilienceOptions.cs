namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// How a sink's calls are retried: the one policy of every sink, used by <see cref="ResilientSink"/> around a whole
/// sink call and by the S3 sink around each of its requests (a multipart part is retried on its own). A call is tried,
/// and after a failure its sink's <see cref="ISinkFaultClassifier"/> calls transient is tried again after an
/// exponential backoff with jitter (or the store's <c>Retry-After</c>, capped at <see cref="MaxDelay"/>), each attempt
/// within <see cref="AttemptTimeout"/> and all of them within <see cref="TotalBudget"/>. Each default is a named
/// constant below. The options are checked (<see cref="Validate"/>) when the pipeline is built.
/// </summary>
public sealed record SinkResilienceOptions
{
    /// <summary>
    /// The default of <see cref="MaxRetryAttempts"/>: 10. With the default delays the backoff adds up to about two
    /// minutes before the last attempt, long enough for an object store's throttling or a network share's failover
    /// to pass, well within <see cref="DefaultTotalBudget"/>; a failed sink call fails the whole backup, so giving up
    /// early costs more than waiting.
    /// </summary>
    public const int DefaultMaxRetryAttempts = 10;

    /// <summary>The default of <see cref="UseJitter"/>: <see langword="true"/>.</summary>
    public const bool DefaultUseJitter = true;

    /// <summary>The longest any delay or timeout may be: one day (the limit of the Polly strategies underneath).</summary>
    public static readonly TimeSpan LongestTime = TimeSpan.FromDays(1);

    /// <summary>The shortest timeout: 10 ms (the limit of the Polly timeout strategy).</summary>
    public static readonly TimeSpan ShortestTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>The default of <see cref="BaseDelay"/>: 200 ms.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The default of <see cref="MaxDelay"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="AttemptTimeout"/>: 2 minutes (a stalled response, or one 16 MiB part on a slow link).</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The default of <see cref="TotalBudget"/>: 15 minutes.</summary>
    public static readonly TimeSpan DefaultTotalBudget = TimeSpan.FromMinutes(15);

    /// <summary>Retries after the first attempt; 0 turns retries off. Default <see cref="DefaultMaxRetryAttempts"/>.</summary>
    public int MaxRetryAttempts { get; init; } = DefaultMaxRetryAttempts;

    /// <summary>
    /// The first backoff delay, doubled each retry (exponential), more than zero. Default <see cref="DefaultBaseDelay"/>.
    /// </summary>
    public TimeSpan BaseDelay { get; init; } = DefaultBaseDelay;

    /// <summary>
    /// The longest delay between two attempts, also the cap on a <c>Retry-After</c> the store asks for; at least
    /// <see cref="BaseDelay"/>. Default <see cref="DefaultMaxDelay"/>.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = DefaultMaxDelay;

    /// <summary>Randomise delays so that many clients do not retry in step. Default <see cref="DefaultUseJitter"/>.</summary>
    public bool UseJitter { get; init; } = DefaultUseJitter;

    /// <summary>
    /// How long one attempt may take before it is abandoned and counted as a transient failure; at most
    /// <see cref="TotalBudget"/>. Default <see cref="DefaultAttemptTimeout"/>.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = DefaultAttemptTimeout;

    /// <summary>
    /// How long one call (one request, for the S3 sink) may take over all its attempts and delays; past it the call
    /// fails, whatever attempts are left. Default <see cref="DefaultTotalBudget"/>.
    /// </summary>
    public TimeSpan TotalBudget { get; init; } = DefaultTotalBudget;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad one, its value and the rule.</summary>
    public void Validate()
    {
        if (MaxRetryAttempts < 0)
        {
            throw Bad(nameof(MaxRetryAttempts), $"must not be negative (was {MaxRetryAttempts})");
        }

        if (BaseDelay <= TimeSpan.Zero || BaseDelay > LongestTime)
        {
            throw Bad(nameof(BaseDelay), $"must be more than zero and at most {LongestTime} (was {BaseDelay})");
        }

        if (MaxDelay < BaseDelay || MaxDelay > LongestTime)
        {
            throw Bad(nameof(MaxDelay), $"must be at least BaseDelay ({BaseDelay}) and at most {LongestTime} (was {MaxDelay})");
        }

        if (TotalBudget < ShortestTimeout || TotalBudget > LongestTime)
        {
            throw Bad(nameof(TotalBudget), $"must be from {ShortestTimeout} to {LongestTime} (was {TotalBudget})");
        }

        if (AttemptTimeout < ShortestTimeout || AttemptTimeout > TotalBudget)
        {
            throw Bad(nameof(AttemptTimeout), $"must be from {ShortestTimeout} to TotalBudget ({TotalBudget}) (was {AttemptTimeout})");
        }
    }

    private static ArgumentException Bad(string option, string rule) =>
        new($"sink resilience options: {option} {rule}", option);
}
