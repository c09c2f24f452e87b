using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sinks.S3;

/// <summary>The S3 sink's step events (60xx, docs/events.md; never with credentials). Retries are logged by the resilience pipeline (event 5101).</summary>
internal static partial class S3SinkLog
{
    [LoggerMessage(EventId = 6002, EventName = "StaleUploadAborting", Level = LogLevel.Information, Message = "Aborting stale multipart upload of s3://{Bucket}/{Key} started {Initiated}")]
    public static partial void AbortingStale(ILogger logger, string bucket, string key, DateTime? initiated);

    [LoggerMessage(EventId = 6003, EventName = "SetResuming", Level = LogLevel.Information, Message = "Resuming set {SetId}: {Files} files and {Parts} acknowledged parts in the journal")]
    public static partial void Resuming(ILogger logger, string setId, int files, int parts);

    [LoggerMessage(EventId = 6004, EventName = "SetAborting", Level = LogLevel.Warning, Message = "Aborting set {SetId}: {Reason}")]
    public static partial void Aborting(ILogger logger, string setId, string reason);

    [LoggerMessage(EventId = 6005, EventName = "S3CleanupFailed", Level = LogLevel.Warning, Message = "Cleanup of s3://{Bucket}/{Key} failed: {Error}")]
    public static partial void CleanupFailed(ILogger logger, string bucket, string key, string error);

    [LoggerMessage(EventId = 6006, EventName = "S3SetCommitted", Level = LogLevel.Information, Message = "Committed set {SetId}: {Files} files, manifest s3://{Bucket}/{Key}")]
    public static partial void Committed(ILogger logger, string setId, int files, string bucket, string key);

    [LoggerMessage(EventId = 6007, EventName = "S3StaleLeaseBroken", Level = LogLevel.Warning, Message = "Broke the stale lease s3://{Bucket}/{Key} of {Holder}, taken {Taken} (older than {StaleAfter})")]
    public static partial void LeaseBroken(ILogger logger, string bucket, string key, string holder, DateTimeOffset taken, TimeSpan staleAfter);
}
