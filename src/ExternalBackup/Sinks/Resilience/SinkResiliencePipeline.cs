using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>Builds the Polly pipeline of <see cref="SinkResilienceOptions"/>: total timeout, then retry, then per-attempt timeout.</summary>
public static class SinkResiliencePipeline
{
    /// <summary>Creates the pipeline; <paramref name="onRetry"/> is told of every retry (for logs and tests).</summary>
    public static ResiliencePipeline Create(SinkResilienceOptions options, Action<Exception, int, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && options.ShouldRetry(e)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is TransientSinkException { RetryAfter: { } after } ? after : (TimeSpan?)null),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        return builder.Build();
    }
}
