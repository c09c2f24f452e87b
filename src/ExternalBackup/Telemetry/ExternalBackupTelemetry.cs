namespace ExternalBackup.Telemetry;

/// <summary>
/// The names an integrator subscribes to: one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/>, both named <see cref="Name"/> (with OpenTelemetry:
/// <c>AddSource(ExternalBackupTelemetry.Name)</c>, <c>AddMeter(ExternalBackupTelemetry.Name)</c>). Spans: one per
/// backup (<see cref="BackupActivity"/>), one per file it stores (<see cref="FileActivity"/>, a child of the backup's)
/// and one per restore (<see cref="RestoreActivity"/>); a failed one has status Error and <see cref="TelemetryTags.ErrorType"/>.
/// Instruments: <see cref="BytesCounter"/>, <see cref="FilesCounter"/>, <see cref="RetriesCounter"/> and
/// <see cref="DurationHistogram"/>, tagged with <see cref="TelemetryTags"/>. Nothing is recorded unless a listener is attached.
/// </summary>
public static class ExternalBackupTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>ExternalBackup</c>.</summary>
    public const string Name = "ExternalBackup";

    /// <summary>The span of one backup, from its start to its commit and after-commit step (or its failure).</summary>
    public const string BackupActivity = "ExternalBackup.Backup";

    /// <summary>The span of one file of a backup, from its start in the sink to its completion there.</summary>
    public const string FileActivity = "ExternalBackup.File";

    /// <summary>The span of one restore of a chain into a folder.</summary>
    public const string RestoreActivity = "ExternalBackup.Restore";

    /// <summary>Counter (bytes, <c>By</c>): bytes stored by backups (counted as each file is complete in the sink) and written by restores (once the restored folder is in place); tags operation and file kind.</summary>
    public const string BytesCounter = "externalbackup.bytes";

    /// <summary>Counter (<c>{file}</c>): files stored by backups and written by restores; tags operation and file kind.</summary>
    public const string FilesCounter = "externalbackup.files";

    /// <summary>Counter (<c>{retry}</c>): sink calls (S3: requests) retried after a transient failure; tags sink and error type.</summary>
    public const string RetriesCounter = "externalbackup.retries";

    /// <summary>Histogram (seconds, <c>s</c>): how long each backup and restore took, on its <see cref="TimeProvider"/>; tags operation, kind and outcome.</summary>
    public const string DurationHistogram = "externalbackup.duration";
}
