using ExternalBackup.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// Builds the one Polly pipeline of <see cref="SinkResilienceOptions"/> for every sink: the total budget (a call it
/// ends fails naming the budget and the last failure), then the retry (exponential backoff with jitter; a <c>Retry-After</c> the classifier reports, capped at
/// <see cref="SinkResilienceOptions.MaxDelay"/>), then the per-attempt timeout. <see cref="ResilientSink"/> runs each
/// sink call through it, the S3 sink each request.
/// </summary>
public static class SinkResiliencePipeline
{
    /// <summary>The classification of the failure being retried, made once and read by the delay generator.</summary>
    private static readonly ResiliencePropertyKey<SinkFault> Fault = new("sink-fault");

    /// <summary>
    /// Validates <paramref name="options"/> (an <see cref="ArgumentException"/> names the bad option) and builds the
    /// pipeline. A failure is retried when the caller has not cancelled and it is a per-attempt timeout or
    /// <paramref name="classifier"/> calls it transient. Each retry is logged (event id 5101, with the cause and the
    /// delay) as coming from <paramref name="sink"/>, and reported to <paramref name="onRetry"/> (attempt number from 1).
    /// Delays and timeouts run on <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public static ResiliencePipeline Create(
        SinkResilienceOptions options,
        ISinkFaultClassifier classifier,
        string sink,
        ILogger logger,
        TimeProvider? timeProvider = null,
        Action<Exception, int, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentException.ThrowIfNullOrWhiteSpace(sink);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System };
        builder.AddStrategy(_ => new SpentBudgetStrategy(sink, options.TotalBudget), new SpentBudgetStrategy.Options());
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = options.TotalBudget,
            Name = "sink-total-budget",
            OnTimeout = args =>
            {
                args.Context.Properties.Set(SpentBudgetStrategy.Spent, true);
                return ValueTask.CompletedTask;
            },
        });
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "sink-retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                UseJitter = options.UseJitter,
                ShouldHandle = args =>
                {
                    if (args.Outcome.Exception is not { } e || args.Context.CancellationToken.IsCancellationRequested)
                    {
                        return ValueTask.FromResult(false);
                    }

                    var fault = e is TimeoutRejectedException ? SinkFault.Transient() : classifier.Classify(e);
                    args.Context.Properties.Set(Fault, fault);
                    args.Context.Properties.Set(SpentBudgetStrategy.LastFailure, (e, args.AttemptNumber + 1));
                    return ValueTask.FromResult(fault.IsTransient);
                },
                DelayGenerator = args => ValueTask.FromResult(
                    args.Context.Properties.TryGetValue(Fault, out var fault) && fault.RetryAfter is { } wanted
                        ? (TimeSpan?)(wanted < options.MaxDelay ? wanted : options.MaxDelay)
                        : null),
                OnRetry = args =>
                {
                    var e = args.Outcome.Exception!;
                    var attempt = args.AttemptNumber + 1;
                    SinkResilienceLog.Retrying(logger, e, sink, $"{e.GetType().Name}: {e.Message}", attempt, options.MaxRetryAttempts, args.RetryDelay);
                    SinkRetries.Record(sink, e, attempt, args.RetryDelay);
                    onRetry?.Invoke(e, attempt, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout, Name = "sink-attempt" });
        return builder.Build();
    }
}
