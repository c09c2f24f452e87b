namespace ExternalBackup.Snapshots;

/// <summary>A selected component with its file specifications mapped into the created snapshot.</summary>
/// <param name="Component">The component as the writer described it (live paths).</param>
/// <param name="FilesInSnapshot">The same specifications with <see cref="SnapshotFileSpec.Folder"/> inside the snapshot
/// (and no alternate location: it is already applied).</param>
/// <param name="Excludes">The writer's exclude rules with their folders inside the snapshot (those on a snapshotted volume), or <see langword="null"/>: none.</param>
public sealed record SnapshotComponentContent(SnapshotComponent Component, IReadOnlyList<SnapshotFileSpec> FilesInSnapshot, IReadOnlyList<FrozenExclusion>? Excludes = null);
