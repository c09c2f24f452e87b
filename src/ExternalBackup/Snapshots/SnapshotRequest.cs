using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>What a snapshot backup covers.</summary>
public sealed record SnapshotRequest
{
    /// <summary>Full, incremental, copy or differential. Full and incremental let the writers truncate their logs
    /// after a successful backup; copy and differential never do.</summary>
    public required BackupKind Kind { get; init; }

    /// <summary>The writers whose components are backed up (all their components are selected).
    /// Empty: every writer the provider reports that holds ESE data.</summary>
    public IReadOnlyList<Guid> WriterIds { get; init; } = [];

    /// <summary>Volumes to snapshot in addition to those holding the selected components' files.</summary>
    public IReadOnlyList<string> ExtraVolumes { get; init; } = [];
}
