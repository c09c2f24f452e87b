using Microsoft.Extensions.Logging;

namespace ExternalBackup.Pipeline;

/// <summary>The stable event ids of the pipeline's log lines: the set writer (11xx) and its sources (12xx).</summary>
internal static class PipelineEvents
{
    /// <summary>The source's backup began.</summary>
    public static readonly EventId Began = new(1101, "BackupBegan");

    /// <summary>A file was stored.</summary>
    public static readonly EventId FileCopied = new(1102, "FileCopied");

    /// <summary>A single-bit error was corrected in the copy.</summary>
    public static readonly EventId EccCorrected = new(1103, "EccCorrected");

    /// <summary>The set was committed.</summary>
    public static readonly EventId Committed = new(1104, "SetCommitted");

    /// <summary>The source could not record the backup after the commit and truncation.</summary>
    public static readonly EventId EndFailed = new(1105, "EndAfterCommitFailed");

    /// <summary>The backup failed.</summary>
    public static readonly EventId Failed = new(1106, "BackupFailed");

    /// <summary>A cleanup step after a failure failed too.</summary>
    public static readonly EventId CleanupFailed = new(1107, "CleanupFailed");

    /// <summary>The status callback misbehaved.</summary>
    public static readonly EventId StatusCallback = new(1108, "StatusCallback");

    /// <summary>Ending the source's backup as failed failed too.</summary>
    public static readonly EventId SourceAbortFailed = new(1201, "SourceAbortFailed");

    /// <summary>Closing a file after a failure failed too.</summary>
    public static readonly EventId SourceCloseFailed = new(1202, "SourceCloseFailed");

    /// <summary>A snapshot cleanup step failed.</summary>
    public static readonly EventId SnapshotCleanupFailed = new(1203, "SnapshotCleanupFailed");

    /// <summary>The set is committed; the writers are being told the backup succeeded.</summary>
    public static readonly EventId TellingWriters = new(1204, "TellingWriters");
}
