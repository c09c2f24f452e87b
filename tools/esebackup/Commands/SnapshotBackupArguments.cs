using ExternalBackup.Manifest;

namespace ExternalBackup.Cli.Commands;

/// <summary>The parsed values of <c>esebackup backup --from-snapshot DIR</c> or <c>--vss</c>.</summary>
public sealed record SnapshotBackupArguments
{
    /// <summary><c>--kind</c>: full, incremental, copy or differential.</summary>
    public BackupKind Kind { get; init; } = BackupKind.Full;

    /// <summary><c>--from-snapshot DIR</c>: the frozen folder (databases anywhere below it, logs and checkpoint in it).</summary>
    public string? FromSnapshot { get; init; }

    /// <summary><c>--log-folder DIR</c> (optional, with <see cref="FromSnapshot"/>): the logs and checkpoint are here instead.</summary>
    public string? LogFolder { get; init; }

    /// <summary><c>--writer GUID</c> (with <c>--vss</c>): the writers to back up; empty: every ESE writer present.</summary>
    public IReadOnlyList<Guid> Writers { get; init; } = [];

    /// <summary><c>--fallback streaming</c> (with <c>--vss</c>): when VSS is unavailable, the caller runs the streaming path.</summary>
    public bool FallbackToStreaming { get; init; }

    /// <summary>For incremental and differential: the highest log generation of the set extended (only later ones are copied).</summary>
    public long? LogsAfterGeneration { get; init; }

    /// <summary><c>--instance-name NAME</c> (with <see cref="FromSnapshot"/>): the instance recorded and chained by; default the folder's full path.</summary>
    public string? InstanceName { get; init; }

    /// <summary><c>--set-id NAME</c> (with <see cref="FromSnapshot"/>): the set's name; default its start time and kind.</summary>
    public string? SetId { get; init; }

    /// <summary><c>--allow-orphan</c>: commit an incremental or differential with no base in the destination instead of refusing it.</summary>
    public bool AllowOrphan { get; init; }

    /// <summary><c>--limit-read MB/s</c> in bytes per second: the most read from the snapshot; 0 unlimited.</summary>
    public long ReadBytesPerSecond { get; init; }

    /// <summary><c>--json</c>: print one JSON object describing the set.</summary>
    public bool Json { get; init; }

    /// <summary>Where the backup's steps are logged (the root options' log).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Where the backup's progress goes (the command's progress display).</summary>
    public IProgress<Pipeline.BackupProgress>? Progress { get; init; }
}
