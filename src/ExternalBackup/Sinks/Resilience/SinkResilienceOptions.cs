namespace ExternalBackup.Sinks.Resilience;

/// <summary>The retry policy around sink calls. Every default is stated on its property.</summary>
public sealed record SinkResilienceOptions
{
    /// <summary>Retries after the first attempt. Default 5.</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>The first backoff delay, doubled each retry (exponential). Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Randomise delays so many clients do not retry in step. Default <see langword="true"/>.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>How long one attempt may take before it counts as a transient timeout. Default 2 min.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one sink call may take with all its retries. Default 15 min.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Which failures are retried. Default <see cref="SinkFaults.IsTransient"/>.</summary>
    public Func<Exception, bool> ShouldRetry { get; init; } = SinkFaults.IsTransient;

    /// <summary>The clock for delays and timeouts (tests pass a fake one). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
