using ExternalBackup.Formats.Log;
using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline;

/// <summary>
/// The set layout, format 2, the same for every source (<c>docs/manifest.md</c>): databases under
/// <c>databases/</c> keeping their folders below the databases' common folder (two <c>catdb</c> files in two folders
/// stay apart), logs under <c>logs/</c> as <c>&lt;base&gt;&lt;hex generation&gt;.log</c>, the checkpoint under
/// <c>checkpoint/</c>, writer documents under <c>documents/</c>; with several components in one snapshot set, the
/// component's name is the first segment below each role folder. Source paths may use '\' (Windows) or '/'; every
/// resulting path is checked with <see cref="SetPath"/>.
/// </summary>
public static class SetLayout
{
    /// <summary>The folder of databases inside a set.</summary>
    public const string DatabaseFolder = "databases";

    /// <summary>The folder of logs inside a set.</summary>
    public const string LogFolder = "logs";

    /// <summary>The folder of the checkpoint inside a set.</summary>
    public const string CheckpointFolder = "checkpoint";

    /// <summary>The folder of writer documents inside a set.</summary>
    public const string DocumentFolder = "documents";

    /// <summary>The folder of a snapshot component's other files (VSS: <c>IVssWMComponent::GetFile</c>) inside a set.</summary>
    public const string ComponentFileFolder = "files";

    /// <summary>Set paths for the databases the engine listed, in the same order.</summary>
    /// <exception cref="InvalidDataException">A name is empty, unsafe, or two databases map to one path.</exception>
    public static IReadOnlyList<string> DatabasePaths(IReadOnlyList<string> enginePaths) => DatabasePaths(enginePaths, null);

    /// <summary>Set paths for databases of one component (<paramref name="component"/> the first segment below <c>databases/</c>, or none), in the same order.</summary>
    /// <exception cref="InvalidDataException">A name is empty, unsafe, or two databases map to one path.</exception>
    public static IReadOnlyList<string> DatabasePaths(IReadOnlyList<string> enginePaths, string? component)
    => BelowCommonFolder(DatabaseFolder, "databases", enginePaths, component);

    /// <summary>
    /// Set paths for a snapshot component's other files (<c>files/&lt;component&gt;/&lt;path below their common folder&gt;</c>;
    /// no component segment in a set of one component), in the same order.
    /// </summary>
    /// <exception cref="InvalidDataException">A name is empty, unsafe, or two files map to one path.</exception>
    public static IReadOnlyList<string> ComponentFilePaths(IReadOnlyList<string> sourcePaths, string? component) =>
        BelowCommonFolder(ComponentFileFolder, "files", sourcePaths, component);

    private static IReadOnlyList<string> BelowCommonFolder(string role, string what, IReadOnlyList<string> enginePaths, string? component)
    {
        ArgumentNullException.ThrowIfNull(enginePaths);
        var split = enginePaths.Select(Split).ToList();
        var common = split.Count == 0 ? 0 : split.Select(s => s.Length - 1).Min();
        for (var i = 0; i < common; i++)
        {
            var segment = split[0][i];
            if (split.Any(s => !string.Equals(s[i], segment, StringComparison.OrdinalIgnoreCase)))
            {
                common = i;
                break;
            }
        }

        var result = new List<string>(split.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < split.Count; i++)
        {
            var relative = string.Join('/', split[i].Skip(common));
            var path = $"{RoleFolder(role, component)}/{relative}";
            Check(path, enginePaths[i]);
            if (!seen.Add(path))
            {
                throw new InvalidDataException($"the engine listed two {what} that map to one backup path '{path}': '{enginePaths[i]}'");
            }

            result.Add(path);
        }

        return result;
    }

    /// <summary>The set path of a log, and its generation parsed from its name (<c>edb0007E.log</c> → 126).</summary>
    /// <exception cref="InvalidDataException">The name is not <c>&lt;base&gt;&lt;hex generation&gt;.log|.jtx</c> for <paramref name="baseName"/>.</exception>
    public static (string Path, long Generation) LogPath(string enginePath, string baseName)
    {
        ArgumentNullException.ThrowIfNull(enginePath);
        ArgumentNullException.ThrowIfNull(baseName);
        var name = Split(enginePath)[^1];
        var generation = ParseLogGeneration(name, baseName)
            ?? throw new InvalidDataException($"the engine listed '{enginePath}' as a log, but '{name}' is not a log name of base '{baseName}' (<base><hex generation>.log or .jtx)");
        var path = $"{LogFolder}/{name}";
        Check(path, enginePath);
        return (path, generation);
    }

    /// <summary>The set path of log generation <paramref name="generation"/> of base <paramref name="baseName"/> (a current <c>edb.log</c> gets its archive name).</summary>
    /// <param name="baseName">The log base name.</param>
    /// <param name="generation">The generation.</param>
    /// <param name="eightDigits">Whether the instance names logs with 8 hex digits (else 5).</param>
    /// <param name="extension"><c>.log</c> or <c>.jtx</c>.</param>
    /// <param name="component">The component's name in a set of several, or <see langword="null"/>.</param>
    public static string LogPath(string baseName, long generation, bool eightDigits, string extension, string? component)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        var path = $"{RoleFolder(LogFolder, component)}/{LogFileName.Format(baseName, checked((int)generation), eightDigits, extension)}";
        Check(path, baseName);
        return path;
    }

    /// <summary>The set path of the checkpoint of base <paramref name="baseName"/> (<c>checkpoint/edb.chk</c>).</summary>
    public static string CheckpointPath(string baseName, string? component)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        var path = $"{RoleFolder(CheckpointFolder, component)}/{LogFileName.Checkpoint(baseName)}";
        Check(path, baseName);
        return path;
    }

    /// <summary>The role folder, with the component's name below it when there is one.</summary>
    public static string RoleFolder(string role, string? component) => component is null ? role : $"{role}/{component}";

    /// <summary>
    /// The generation in an archive log name of base <paramref name="baseName"/>, such as <c>edb0007E.log</c> or
    /// <c>edb00000001.jtx</c>, or <see langword="null"/> (the names are the format library's <see cref="LogFileName"/>).
    /// </summary>
    public static long? ParseLogGeneration(string fileName, string baseName) =>
        LogFileName.TryParse(fileName) is { Kind: LogFileKind.Archived, Generation: { } generation } name
        && name.BaseName.Equals(baseName, StringComparison.OrdinalIgnoreCase)
            ? generation
            : null;

    private static string[] Split(string enginePath)
    {
        if (string.IsNullOrWhiteSpace(enginePath))
        {
            throw new InvalidDataException("the engine listed an empty file name");
        }

        var segments = enginePath.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[0].EndsWith(':'))
        {
            segments = segments[1..];
        }

        if (segments.Length == 0)
        {
            throw new InvalidDataException($"the engine listed '{enginePath}', which has no file name");
        }

        return segments;
    }

    private static void Check(string path, string enginePath)
    {
        if (SetPath.Check(path) is { } reason)
        {
            throw new InvalidDataException($"the engine listed '{enginePath}', which cannot be stored safely ({reason})");
        }
    }
}
