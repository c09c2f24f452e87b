namespace ExternalBackup.Snapshots;

/// <summary>A rule that leaves files out of a frozen set (a VSS writer's exclude file specification), matched before any file is identified.</summary>
/// <param name="Folder">The folder the rule applies to (inside the snapshot).</param>
/// <param name="FileSpec">A file name or wildcard pattern (<c>*</c>, <c>?</c>).</param>
/// <param name="Recursive">Whether files in sub-folders of <paramref name="Folder"/> match too.</param>
/// <param name="Rule">The rule as the manifest names it (e.g. <c>writer 'NTDS' excludes C:\Windows\NTDS\*.tmp</c>).</param>
public sealed record FrozenExclusion(string Folder, string FileSpec, bool Recursive, string Rule)
{
    /// <summary>The rule of <paramref name="component"/>'s writer excluding <paramref name="live"/>, applied at <paramref name="folderInSnapshot"/>.</summary>
    public static FrozenExclusion OfWriter(SnapshotComponent component, SnapshotFileSpec live, string folderInSnapshot)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(live);
        var separator = live.Folder.Contains('\\', StringComparison.Ordinal) ? "\\" : "/";
        var spec = live.Folder.EndsWith(separator, StringComparison.Ordinal) ? live.Folder + live.FileSpec : live.Folder + separator + live.FileSpec;
        return new FrozenExclusion(folderInSnapshot, live.FileSpec, live.Recursive, $"writer '{component.WriterName}' excludes {spec}{(live.Recursive ? " and below" : "")}");
    }

    /// <summary>Whether the rule leaves <paramref name="path"/> out.</summary>
    public bool Matches(string path) => FileSpecMatch.Matches(Folder, FileSpec, Recursive, path);
}
