using Microsoft.Extensions.Logging;

namespace ExternalBackup.Facade;

/// <summary>The events of the <c>JetBackup</c> contract (16xx, docs/events.md); the backup's own steps are the pipeline's (11xx, 12xx).</summary>
internal static partial class JetBackupEvents
{
    [LoggerMessage(EventId = 1601, EventName = "JetBackupFolderFailed", Level = LogLevel.Error,
        Message = "Cannot create the backup folder {Folder}")]
    public static partial void FolderFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(EventId = 1602, EventName = "JetBackupNotRecorded", Level = LogLevel.Error,
        Message = "JetBackup into {Folder}: {EndFailure}")]
    public static partial void NotRecorded(ILogger logger, string folder, string endFailure);

    [LoggerMessage(EventId = 1603, EventName = "JetBackupFailed", Level = LogLevel.Error,
        Message = "JetBackup into {Folder} failed with {Code}")]
    public static partial void Failed(ILogger logger, Exception exception, string folder, string code);
}
