using System.Diagnostics;

namespace ExternalBackup.Telemetry;

/// <summary>Counts a retried sink call, and marks it on the current span (the file or backup being stored).</summary>
internal static class SinkRetries
{
    /// <summary>The call of <paramref name="sink"/> failed with <paramref name="failure"/> and is tried again (attempt <paramref name="attempt"/>) after <paramref name="delay"/>.</summary>
    public static void Record(string sink, Exception failure, int attempt, TimeSpan delay)
    {
        var errorType = failure.GetType().FullName;
        Instruments.Retries.Add(1, new TagList { { TelemetryTags.Sink, sink }, { TelemetryTags.ErrorType, errorType } });
        Activity.Current?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
        {
            { TelemetryTags.Sink, sink },
            { TelemetryTags.ErrorType, errorType },
            { "externalbackup.retry.attempt", attempt },
            { "externalbackup.retry.delay_ms", delay.TotalMilliseconds },
        }));
    }
}
