using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;

namespace ExternalBackup.Snapshots;

/// <summary>
/// ESE files that do not change while they are read: a mounted snapshot, a stopped instance, a disk image, or (through
/// <see cref="SnapshotBackupCoordinator"/>) a snapshot just created by a provider. Plans the set from the headers
/// (<see cref="FrozenSetPlanner"/>); the copy is the one pipeline's (<see cref="FrozenFolderBackup"/>,
/// <see cref="SnapshotBackupCoordinator"/>): files read with <see cref="RandomAccess"/> into the pooled aligned
/// buffers, verified by the format's <see cref="Pipeline.IStreamVerifier"/>, hashed and written to the sink.
/// </summary>
public sealed class FrozenFolderSource
{
    private readonly FrozenSetPlanner _planner;

    /// <summary>Creates the source.</summary>
    /// <param name="format">Reads headers and verifies content; default <see cref="EseFrozenFileFormat"/> (the ESE format library).</param>
    /// <param name="options">Options; default: <see cref="FrozenFolderSourceOptions"/> defaults.</param>
    /// <param name="progress">Receives the pipeline's progress after every chunk; default none.</param>
    public FrozenFolderSource(IFrozenFileFormat? format = null, FrozenFolderSourceOptions? options = null, IProgress<BackupProgress>? progress = null)
    {
        Format = format ?? new EseFrozenFileFormat();
        Options = options ?? new FrozenFolderSourceOptions();
        Options.Validate();
        _planner = new FrozenSetPlanner(Format, Options);
        Progress = progress;
    }

    /// <summary>The format the files are read with.</summary>
    public IFrozenFileFormat Format { get; }

    /// <summary>The options.</summary>
    public FrozenFolderSourceOptions Options { get; }

    /// <summary>Where progress goes, or <see langword="null"/>.</summary>
    public IProgress<BackupProgress>? Progress { get; }

    /// <summary>Plans the backup of <paramref name="layout"/> without copying anything.</summary>
    public FrozenSetPlan Plan(FrozenFolderLayout layout, BackupKind kind) => _planner.Plan(layout, kind);

    /// <summary>Plans every layout (a component's each, its name the set prefix when there are several).</summary>
    internal IReadOnlyList<FrozenSetPlan> Plan(IReadOnlyList<FrozenFolderLayout> layouts, BackupKind kind, long? extendsHigh) =>
        layouts.Select(l => _planner.Plan(l, kind, extendsHigh)).ToList();

    /// <summary>
    /// The layouts of snapshot components: each component's databases (those its database file specifications name,
    /// in their folders), its log folders, its other files and its writer's exclude files (inside the snapshot); with several components
    /// each is stored under its name.
    /// </summary>
    internal static IReadOnlyList<FrozenFolderLayout> Layouts(IReadOnlyList<SnapshotComponentContent> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return components.Select(content =>
        {
            var databaseSpecs = content.FilesInSnapshot.Where(f => f.Role == SnapshotFileRole.Database).ToList();
            return new FrozenFolderLayout(
                databaseSpecs.Select(f => f.Folder).Distinct().ToList(),
                content.FilesInSnapshot.Where(f => f.Role == SnapshotFileRole.Log).Select(f => f.Folder).Distinct().ToList(),
                components.Count > 1 ? SafeName(content.Component.Name) : "")
            {
                DatabaseFileSpecs = databaseSpecs.Select(f => f.FileSpec).Distinct().ToList(),
                RecurseDatabaseFolders = databaseSpecs.Any(f => f.Recursive),
                Excludes = content.Excludes ?? [],
                ComponentFiles = content.FilesInSnapshot.Where(f => f.Role == SnapshotFileRole.Other).ToList(),
            };
        }).ToList();
    }

    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsControl(c) || "\\/:*?\"<>|".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray();
        var safe = new string(chars).Trim().TrimEnd('.');
        return safe.Length == 0 || safe is "." or ".." ? "component" : safe;
    }
}
