namespace ExternalBackup.Telemetry;

/// <summary>The tag (attribute) names of ExternalBackup's spans and instruments, and their values.</summary>
public static class TelemetryTags
{
    /// <summary>What ran: <see cref="Backup"/> or <see cref="Restore"/> (instruments).</summary>
    public const string Operation = "externalbackup.operation";

    /// <summary>The backup kind: <c>full</c>, <c>incremental</c>, <c>copy</c> or <c>differential</c>.</summary>
    public const string Kind = "externalbackup.kind";

    /// <summary>How it ended: <see cref="Success"/>, <see cref="Failure"/> or <see cref="Cancelled"/> (duration).</summary>
    public const string Outcome = "externalbackup.outcome";

    /// <summary>A file's kind: <c>database</c>, <c>log</c>, <c>checkpoint</c> or <c>other</c>.</summary>
    public const string FileKind = "externalbackup.file.kind";

    /// <summary>The sink whose call was retried (its type name).</summary>
    public const string Sink = "externalbackup.sink";

    /// <summary>The set's name (spans only).</summary>
    public const string SetId = "externalbackup.set_id";

    /// <summary>The instance backed up or restored (spans only).</summary>
    public const string Instance = "externalbackup.instance";

    /// <summary>A file's path in the set (file spans).</summary>
    public const string Path = "externalbackup.file.path";

    /// <summary>Bytes of a file or of the whole set (spans).</summary>
    public const string Bytes = "externalbackup.bytes";

    /// <summary>Files of the set or of the restore (spans).</summary>
    public const string Files = "externalbackup.files";

    /// <summary>Whether the backup's logs were truncated after the commit (backup spans).</summary>
    public const string LogsTruncated = "externalbackup.logs_truncated";

    /// <summary>The failure's exception type, on failed spans, durations and retries (OpenTelemetry's <c>error.type</c>).</summary>
    public const string ErrorType = "error.type";

    /// <summary>The value of <see cref="Operation"/> for backups.</summary>
    public const string Backup = "backup";

    /// <summary>The value of <see cref="Operation"/> for restores.</summary>
    public const string Restore = "restore";

    /// <summary>The value of <see cref="Outcome"/> when the work succeeded.</summary>
    public const string Success = "success";

    /// <summary>The value of <see cref="Outcome"/> when it failed.</summary>
    public const string Failure = "failure";

    /// <summary>The value of <see cref="Outcome"/> when it was cancelled.</summary>
    public const string Cancelled = "cancelled";
}
