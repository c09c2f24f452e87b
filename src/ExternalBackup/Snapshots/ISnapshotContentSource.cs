using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Copies the files of snapshot components into a sink, verifying them while reading
/// (<see cref="FrozenFolderSource"/> is the implementation for ESE files).
/// The sink's set is already begun; the source opens, writes and completes files but never commits or aborts.
/// Any corruption, missing file or inconsistency throws; a returned result means every component listed in
/// <see cref="SnapshotCopyResult.VerifiedComponents"/> was copied completely and verified.
/// </summary>
public interface ISnapshotContentSource
{
    /// <summary>Copies and verifies <paramref name="components"/> into <paramref name="sink"/> for a backup of <paramref name="kind"/>.</summary>
    ValueTask<SnapshotCopyResult> CopyAsync(IReadOnlyList<SnapshotComponentContent> components, IBackupSink sink, BackupKind kind, CancellationToken cancellationToken);
}
