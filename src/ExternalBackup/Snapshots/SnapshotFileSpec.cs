namespace ExternalBackup.Snapshots;

/// <summary>What a component's file specification holds.</summary>
public enum SnapshotFileRole
{
    /// <summary>Database files (VSS: <c>IVssWMComponent::GetDatabaseFile</c>).</summary>
    Database,
    /// <summary>Transaction logs and checkpoint (VSS: <c>IVssWMComponent::GetDatabaseLogFile</c>).</summary>
    Log,
    /// <summary>Other files of the component (VSS: <c>IVssWMComponent::GetFile</c>).</summary>
    Other,
}

/// <summary>A file specification of a component, on the live volume (VSS: an <c>IVssWMFiledesc</c>).</summary>
/// <param name="Role">Database, log or other.</param>
/// <param name="Folder">The folder on the live volume (environment variables already expanded).</param>
/// <param name="FileSpec">A file name or a wildcard pattern (e.g. <c>ntds.dit</c>, <c>edb*.log</c>).</param>
/// <param name="Recursive">Whether sub-folders are included.</param>
/// <param name="AlternateLocation">Where the writer says to back the files up from instead, or <see langword="null"/>.</param>
public sealed record SnapshotFileSpec(SnapshotFileRole Role, string Folder, string FileSpec, bool Recursive = false, string? AlternateLocation = null)
{
    /// <summary>The folder to read from: <see cref="AlternateLocation"/> when set, else <see cref="Folder"/>.</summary>
    public string SourceFolder => AlternateLocation ?? Folder;
}
