using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>A snapshot backup that was committed, verified and reported to the writers.</summary>
/// <param name="Manifest">The committed set's manifest.</param>
/// <param name="Components">The components backed up and reported successful.</param>
/// <param name="CleanupWarnings">Failures while releasing the snapshots after the backup completed (the set is still good).</param>
public sealed record SnapshotBackupResult(BackupManifest Manifest, IReadOnlyList<SnapshotComponent> Components, IReadOnlyList<string> CleanupWarnings);
