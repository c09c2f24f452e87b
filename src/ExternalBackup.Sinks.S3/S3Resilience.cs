using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ExternalBackup.Sinks.S3;

/// <summary>Builds the Polly pipeline every S3 request of the sink runs through.</summary>
public static class S3Resilience
{
    /// <summary>
    /// A pipeline of: a total-budget timeout, then a retry (exponential backoff with jitter, capped at
    /// <see cref="S3RetryOptions.MaxDelay"/>, honouring <c>Retry-After</c>, only for
    /// <see cref="S3ErrorClassifier.IsTransient"/> failures), then a per-attempt timeout.
    /// </summary>
    public static ResiliencePipeline Create(S3RetryOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        return builder
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalBudget, Name = "s3-total-budget" })
            .AddRetry(new RetryStrategyOptions
            {
                Name = "s3-retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && S3ErrorClassifier.IsTransient(e)),
                DelayGenerator = args =>
                {
                    if (args.Outcome.Exception is { } e && S3ErrorClassifier.RetryAfter(e) is { } wanted)
                    {
                        return ValueTask.FromResult<TimeSpan?>(wanted < options.MaxDelay ? wanted : options.MaxDelay);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    var e = args.Outcome.Exception;
                    S3SinkLog.Retrying(logger, args.AttemptNumber + 1, args.RetryDelay, e?.GetType().Name ?? "?", e?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout, Name = "s3-attempt" })
            .Build();
    }
}
