namespace ExternalBackup.Sinks.S3;

/// <summary>
/// How each S3 request is retried: exponential backoff with jitter, a timeout per attempt and a total time budget.
/// Throttling (503 SlowDown, 429), 5xx, timeouts and broken connections are retried; a <c>Retry-After</c> the
/// store sends is honoured (capped at <see cref="MaxDelay"/>). Access denied, missing buckets and invalid
/// arguments fail at once.
/// </summary>
public sealed record S3RetryOptions
{
    /// <summary>Retries after the first attempt. Default: 10.</summary>
    public int MaxRetryAttempts { get; init; } = 10;

    /// <summary>The first backoff delay; each retry doubles it, with jitter. Default: 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts. Default: 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take before it is abandoned and retried (a stalled response). Default: 2 minutes.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one request may take over all its attempts and delays. Default: 15 minutes.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (MaxRetryAttempts < 0)
        {
            throw new ArgumentException($"S3 retry: MaxRetryAttempts must not be negative (was {MaxRetryAttempts})", nameof(MaxRetryAttempts));
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            throw new ArgumentException($"S3 retry: need 0 < BaseDelay ({BaseDelay}) <= MaxDelay ({MaxDelay})", nameof(BaseDelay));
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalBudget < AttemptTimeout)
        {
            throw new ArgumentException($"S3 retry: need 0 < AttemptTimeout ({AttemptTimeout}) <= TotalBudget ({TotalBudget})", nameof(AttemptTimeout));
        }
    }
}
