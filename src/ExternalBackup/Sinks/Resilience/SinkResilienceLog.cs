using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>The resilience stack's log messages, with stable event ids (5101-5199).</summary>
internal static partial class SinkResilienceLog
{
    /// <summary>The event id of <see cref="Retrying"/>: 5101, whatever the sink.</summary>
    public const int RetryingEventId = 5101;

    [LoggerMessage(EventId = RetryingEventId, EventName = "SinkRetry", Level = LogLevel.Warning,
        Message = "{Sink} call failed ({Cause}); retry {Attempt} of {MaxAttempts} in {Delay}")]
    public static partial void Retrying(ILogger logger, Exception exception, string sink, string cause, int attempt, int maxAttempts, TimeSpan delay);
}
