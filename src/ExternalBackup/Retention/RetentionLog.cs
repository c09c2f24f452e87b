using Microsoft.Extensions.Logging;

namespace ExternalBackup.Retention;

/// <summary>The log messages of <see cref="Forget"/> (event ids 7001..7099).</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 7001, EventName = "SetRemoving", Level = LogLevel.Information, Message = "Removing set {Name} ({Kind}) from {Location}")]
    public static partial void Removing(ILogger logger, string location, string name, string kind);

    [LoggerMessage(EventId = 7002, EventName = "DestinationSwept", Level = LogLevel.Information, Message = "Cleaned in {Location}: {What}")]
    public static partial void Swept(ILogger logger, string location, string what);
}
