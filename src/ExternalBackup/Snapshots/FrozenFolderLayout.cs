namespace ExternalBackup.Snapshots;

/// <summary>Where a frozen set's files are: database folders (searched with their sub-folders) and log folders (the logs and checkpoint).</summary>
/// <param name="DatabaseFolders">Folders holding the databases; sub-folders are searched unless <see cref="RecurseDatabaseFolders"/> is off.</param>
/// <param name="LogFolders">Folders holding the logs and the checkpoint (not searched recursively).</param>
/// <param name="SetPrefix">A prefix for paths inside the set (e.g. a component's name), or empty.</param>
public sealed record FrozenFolderLayout(IReadOnlyList<string> DatabaseFolders, IReadOnlyList<string> LogFolders, string SetPrefix = "")
{
    /// <summary>File name patterns (<c>*</c>, <c>?</c>) a database must match, e.g. a writer's <c>ntds.dit</c>; default empty: every ESE database found.</summary>
    public IReadOnlyList<string> DatabaseFileSpecs { get; init; } = [];

    /// <summary>
    /// The instance the set records and its chain is found by. Default <see langword="null"/>: the folders' full paths,
    /// which change when a snapshot is mounted somewhere else each time; name the instance (e.g. <c>dc01-ntds</c>) so
    /// that tonight's incremental of a snapshot mounted at a new path extends last night's full.
    /// </summary>
    public string? InstanceName { get; init; }

    /// <summary>Files left out before anything is identified (a writer's exclude files); each one left out is listed in the plan's <see cref="FrozenSetPlan.Excluded"/> and the manifest. Default none.</summary>
    public IReadOnlyList<FrozenExclusion> Excludes { get; init; } = [];

    /// <summary>
    /// The component's other files (VSS: <c>IVssWMComponent::GetFile</c>), with folders inside the snapshot: every file
    /// they match that is not a database, log or checkpoint of the set is copied as kind other under <c>files/</c> by
    /// sets that copy databases (full, copy). Default none.
    /// </summary>
    public IReadOnlyList<SnapshotFileSpec> ComponentFiles { get; init; } = [];

    /// <summary>Whether sub-folders of <see cref="DatabaseFolders"/> are searched; default <see langword="true"/>.</summary>
    public bool RecurseDatabaseFolders { get; init; } = true;

    /// <summary>One folder holding everything (databases possibly in sub-folders).</summary>
    public static FrozenFolderLayout Single(string folder) => new([folder], [folder]);
}
