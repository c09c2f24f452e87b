using Microsoft.Extensions.Logging;

namespace ExternalBackup.Pipeline;

/// <summary>
/// The step events of a backup, with stable ids (docs/events.md): the set writer (11xx) and its sources (12xx).
/// An integrator's Event Log or SIEM can alert on them; ids and names never change meaning.
/// </summary>
internal static partial class PipelineEvents
{
    [LoggerMessage(EventId = 1101, EventName = "BackupBegan", Level = LogLevel.Information,
        Message = "Backup {SetId} of {Instance} began ({Kind}, source {Source} {Producer})")]
    public static partial void Began(ILogger logger, string setId, string instance, string kind, string source, string? producer);

    [LoggerMessage(EventId = 1102, EventName = "FileCopied", Level = LogLevel.Information,
        Message = "Copied {SourcePath} to {Path}: {Bytes} bytes, sha256 {Sha256}")]
    public static partial void FileCopied(ILogger logger, string sourcePath, string path, long bytes, string sha256);

    [LoggerMessage(EventId = 1103, EventName = "EccCorrected", Level = LogLevel.Warning,
        Message = "{SourcePath}: page {Page} had a single-bit error at offset {Offset} (bit {Bit}); the set holds the corrected page")]
    public static partial void EccCorrected(ILogger logger, string sourcePath, long page, long offset, int bit);

    [LoggerMessage(EventId = 1104, EventName = "SetCommitted", Level = LogLevel.Information,
        Message = "Backup {SetId} committed: {Databases} databases, {Logs} logs, {Bytes} bytes")]
    public static partial void Committed(ILogger logger, string setId, int databases, int logs, long bytes);

    [LoggerMessage(EventId = 1105, EventName = "EndAfterCommitFailed", Level = LogLevel.Error,
        Message = "Backup {SetId} is committed (logs truncated: {LogsTruncated}), but the source did not record it: {Failure}")]
    public static partial void EndFailed(ILogger logger, string setId, bool logsTruncated, string failure);

    [LoggerMessage(EventId = 1106, EventName = "BackupFailed", Level = LogLevel.Error,
        Message = "Backup {SetId} failed in phase {Phase} (set committed and kept: {Committed}; otherwise nothing was committed or truncated): {Cause}")]
    public static partial void Failed(ILogger logger, Exception exception, string setId, BackupPhase phase, bool committed, string cause);

    [LoggerMessage(EventId = 1107, EventName = "CleanupFailed", Level = LogLevel.Warning,
        Message = "The sink could not discard the failed set {SetId}")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string setId);

    [LoggerMessage(EventId = 1108, EventName = "StatusCallbackIgnored", Level = LogLevel.Debug,
        Message = "The status callback returned {Code}; like the engine, the backup ignores it")]
    public static partial void StatusCallbackIgnored(ILogger logger, Engine.JetError code);

    [LoggerMessage(EventId = 1109, EventName = "LogGenerations", Level = LogLevel.Information,
        Message = "Backup {SetId} copies logs {Low}..{High} (base name {BaseName}, {Files} files)")]
    public static partial void LogGenerations(ILogger logger, string setId, long? low, long? high, string? baseName, int files);

    [LoggerMessage(EventId = 1110, EventName = "StatusCallbackThrew", Level = LogLevel.Warning,
        Message = "The status callback threw; the backup goes on")]
    public static partial void StatusCallbackThrew(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1111, EventName = "BackupSucceeded", Level = LogLevel.Information,
        Message = "Backup {SetId} succeeded: {Kind}, {Files} files, {Bytes} bytes, logs truncated: {LogsTruncated}, recorded by the source: {Recorded}")]
    public static partial void Succeeded(ILogger logger, string setId, string kind, int files, long bytes, bool logsTruncated, bool recorded);

    [LoggerMessage(EventId = 1201, EventName = "SourceAbortFailed", Level = LogLevel.Warning,
        Message = "JetEndExternalBackupInstance2(Abort) failed after the backup failed")]
    public static partial void SourceAbortFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1202, EventName = "SourceCloseFailed", Level = LogLevel.Warning,
        Message = "Closing {File} after a failure also failed")]
    public static partial void SourceCloseFailed(ILogger logger, Exception exception, string file);

    [LoggerMessage(EventId = 1203, EventName = "SnapshotCleanupFailed", Level = LogLevel.Warning,
        Message = "Snapshot cleanup: could not {What}")]
    public static partial void SnapshotCleanupFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 1204, EventName = "TellingWriters", Level = LogLevel.Information,
        Message = "Snapshot backup {SetId} committed ({Files} files); reporting success to {Components} components")]
    public static partial void TellingWriters(ILogger logger, string setId, int files, int components);

    [LoggerMessage(EventId = 1205, EventName = "LogsTruncated", Level = LogLevel.Information,
        Message = "Backup {SetId}: the engine truncated its logs, deleting {Count} generations {Generations}")]
    public static partial void LogsTruncated(ILogger logger, string setId, int count, string generations);

    [LoggerMessage(EventId = 1206, EventName = "BackupEnded", Level = LogLevel.Information,
        Message = "Backup {SetId}: JetEndExternalBackupInstance2 ended the engine's backup normally")]
    public static partial void Ended(ILogger logger, string setId);

    [LoggerMessage(EventId = 1207, EventName = "TruncateListFailed", Level = LogLevel.Warning,
        Message = "Backup {SetId}: JetGetTruncateLogInfoInstance failed, so the generations the truncation deletes are not known; truncating anyway")]
    public static partial void TruncateListFailed(ILogger logger, Exception exception, string setId);
}
