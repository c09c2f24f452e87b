using Microsoft.Extensions.Logging;

namespace ExternalBackup.Restore;

/// <summary>The step events of restore (13xx), verification (14xx) and listing (15xx), with stable ids (docs/events.md).</summary>
internal static partial class RestoreEvents
{
    [LoggerMessage(EventId = 1301, EventName = "RestoreStarted", Level = LogLevel.Information,
        Message = "Restore of {Sets} from {Location} into {Target} started: {Files} files, {Bytes} bytes")]
    public static partial void Started(ILogger logger, string sets, string location, string target, int files, long bytes);

    [LoggerMessage(EventId = 1302, EventName = "FileRestored", Level = LogLevel.Information,
        Message = "Restored {Set}: '{Path}' to {TargetPath}: {Bytes} bytes, sha256 {Sha256}")]
    public static partial void FileRestored(ILogger logger, string set, string path, string targetPath, long bytes, string sha256);

    [LoggerMessage(EventId = 1303, EventName = "RestoreRenamed", Level = LogLevel.Information,
        Message = "Restore staged in {Staging} is on the disk and renamed into place as {Target}")]
    public static partial void Renamed(ILogger logger, string staging, string target);

    [LoggerMessage(EventId = 1304, EventName = "RestoreSucceeded", Level = LogLevel.Information,
        Message = "Restore of {Sets} into {Target} succeeded: {Databases} databases, logs {GenLow}..{GenHigh}")]
    public static partial void Succeeded(ILogger logger, string sets, string target, int databases, long? genLow, long? genHigh);

    [LoggerMessage(EventId = 1305, EventName = "RestoreFailed", Level = LogLevel.Error,
        Message = "Restore into {Target} failed; the target is as it was: {Cause}")]
    public static partial void Failed(ILogger logger, string target, string cause);

    [LoggerMessage(EventId = 1401, EventName = "VerificationStarted", Level = LogLevel.Information,
        Message = "Verification of {Location} started: {Sets} sets, {Files} files, {Bytes} bytes")]
    public static partial void VerificationStarted(ILogger logger, string location, int sets, int files, long bytes);

    [LoggerMessage(EventId = 1402, EventName = "FileVerified", Level = LogLevel.Information,
        Message = "Verified {Set}: '{Path}': {Bytes} bytes, sha256 {Sha256}")]
    public static partial void FileVerified(ILogger logger, string set, string path, long bytes, string sha256);

    [LoggerMessage(EventId = 1403, EventName = "FileDamaged", Level = LogLevel.Error,
        Message = "{Problem}")]
    public static partial void FileDamaged(ILogger logger, string problem);

    [LoggerMessage(EventId = 1404, EventName = "VerificationPassed", Level = LogLevel.Information,
        Message = "Verification of {Location} passed: {Sets} sets intact")]
    public static partial void VerificationPassed(ILogger logger, string location, int sets);

    [LoggerMessage(EventId = 1405, EventName = "VerificationFailed", Level = LogLevel.Error,
        Message = "Verification of {Location} failed: {Problems} problems in {Sets} sets; first: {First}")]
    public static partial void VerificationFailed(ILogger logger, string location, int problems, int sets, string first);

    [LoggerMessage(EventId = 1501, EventName = "ListingStarted", Level = LogLevel.Information,
        Message = "Listing the sets of {Location}")]
    public static partial void ListingStarted(ILogger logger, string location);

    [LoggerMessage(EventId = 1502, EventName = "SetsListed", Level = LogLevel.Information,
        Message = "{Location} holds {Sets} committed sets, {Bytes} bytes")]
    public static partial void SetsListed(ILogger logger, string location, int sets, long bytes);
}
