using ExternalBackup.Formats.Log;
using ExternalBackup.Sinks;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Where files the engine names go inside a set: databases under <c>databases/</c> keeping their folders below
/// the databases' common folder (two <c>catdb</c> files in two folders stay apart), logs under <c>logs/</c>.
/// Engine paths may use '\' (Windows) or '/'; every resulting path is checked with <see cref="SetPath"/>.
/// </summary>
public static class SetLayout
{
    /// <summary>The folder of databases inside a set.</summary>
    public const string DatabaseFolder = "databases";

    /// <summary>The folder of logs inside a set.</summary>
    public const string LogFolder = "logs";

    /// <summary>Set paths for the databases the engine listed, in the same order.</summary>
    /// <exception cref="InvalidDataException">A name is empty, unsafe, or two databases map to one path.</exception>
    public static IReadOnlyList<string> DatabasePaths(IReadOnlyList<string> enginePaths)
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
            var path = $"{DatabaseFolder}/{relative}";
            Check(path, enginePaths[i]);
            if (!seen.Add(path))
            {
                throw new InvalidDataException($"the engine listed two databases that map to one backup path '{path}': '{enginePaths[i]}'");
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
