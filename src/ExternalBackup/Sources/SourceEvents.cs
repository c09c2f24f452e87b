using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sources;

/// <summary>The stable event ids of the sources' log lines.</summary>
internal static class SourceEvents
{
    /// <summary>Ending the source's backup as failed failed too.</summary>
    public static readonly EventId AbortFailed = new(1201, "SourceAbortFailed");

    /// <summary>Closing a file after a failure failed too.</summary>
    public static readonly EventId CloseFailed = new(1202, "SourceCloseFailed");

    /// <summary>The set is committed; the writers are being told the backup succeeded.</summary>
    public static readonly EventId TellingWriters = new(1204, "TellingWriters");

    /// <summary>A snapshot cleanup step failed.</summary>
    public static readonly EventId SnapshotCleanupFailed = new(1203, "SnapshotCleanupFailed");
}
