using ExternalBackup.Manifest;

namespace ExternalBackup.Restore;

/// <summary>
/// Where a restore puts each file of a set, by <see cref="ManifestFile.Kind"/> and its manifest path (set layout
/// format 2): databases under <c>databases/</c>, logs under <c>logs/</c>, the checkpoint under <c>checkpoint/</c>,
/// a component's other files under <c>files/</c>, anything else under <c>documents/</c>. A path already below its kind's folder keeps its place (with a component
/// segment, if any); a format 1 path (the flat or <c>db/</c>/<c>logs/</c> snapshot layout) is moved below it.
/// Folder names are never used to guess what a file is.
/// </summary>
public static class RestoreLayout
{
    /// <summary>The folder of databases in a set and in a restore.</summary>
    public const string DatabaseFolder = Pipeline.SetLayout.DatabaseFolder;

    /// <summary>The folder of logs in a set and in a restore.</summary>
    public const string LogFolder = Pipeline.SetLayout.LogFolder;

    /// <summary>The folder of the checkpoint in a set and in a restore.</summary>
    public const string CheckpointFolder = Pipeline.SetLayout.CheckpointFolder;

    /// <summary>The folder of writer documents in a set and in a restore.</summary>
    public const string DocumentFolder = Pipeline.SetLayout.DocumentFolder;

    /// <summary>The folder of snapshot components' other files in a set and in a restore.</summary>
    public const string ComponentFileFolder = Pipeline.SetLayout.ComponentFileFolder;

    private static readonly string[] LegacyFolders = ["db/", "logs/", "databases/", "checkpoint/", "documents/"];

    /// <summary>The folder a file of <paramref name="kind"/> is restored under.</summary>
    public static string FolderOf(BackupFileKind kind) => kind switch
    {
        BackupFileKind.Database => DatabaseFolder,
        BackupFileKind.Log => LogFolder,
        BackupFileKind.Checkpoint => CheckpointFolder,
        _ => DocumentFolder,
    };

    /// <summary>
    /// The log stream a log file belongs to: its folder in the restore target, <c>logs</c> for a set of one stream,
    /// <c>logs/&lt;component&gt;</c> for each component of a set of several. Generations are numbered per stream.
    /// </summary>
    public static string LogStreamOf(ManifestFile file)
    {
        var path = TargetPath(file);
        return path[..path.LastIndexOf('/')];
    }

    /// <summary>
    /// The component a log stream or checkpoint folder (<c>logs/&lt;component&gt;</c>, <c>checkpoint/&lt;component&gt;</c>)
    /// names, or <see langword="null"/> for the role folder itself (a set of one component).
    /// </summary>
    public static string? ComponentOf(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var slash = folder.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : folder[(slash + 1)..];
    }

    /// <summary>The '/'-separated path of <paramref name="file"/> inside the restore target.</summary>
    public static string TargetPath(ManifestFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var folder = FolderOf(file.Kind) + "/";
        if (file.Path.StartsWith(folder, StringComparison.Ordinal)
            || (file.Kind == BackupFileKind.Other && file.Path.StartsWith(ComponentFileFolder + "/", StringComparison.Ordinal)))
        {
            return file.Path;
        }

        var rest = file.Path;
        foreach (var legacy in LegacyFolders)
        {
            if (rest.StartsWith(legacy, StringComparison.Ordinal))
            {
                rest = rest[legacy.Length..];
                break;
            }
        }

        // Logs and checkpoints of a format 1 set lived beside the databases: only their names count.
        return file.Kind is BackupFileKind.Log or BackupFileKind.Checkpoint ? folder + rest.Split('/')[^1] : folder + rest;
    }
}
