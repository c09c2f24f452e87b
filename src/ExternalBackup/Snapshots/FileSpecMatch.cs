using System.IO.Enumeration;

namespace ExternalBackup.Snapshots;

/// <summary>How a VSS file specification (folder, name pattern, recursive) matches a file: the one rule for includes and excludes.</summary>
internal static class FileSpecMatch
{
    /// <summary>Whether <paramref name="path"/> is in <paramref name="folder"/> (or below it when <paramref name="recursive"/>) and its name matches <paramref name="fileSpec"/>.</summary>
    public static bool Matches(string folder, string fileSpec, bool recursive, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
        var inFolder = string.Equals(parent, root, StringComparison.OrdinalIgnoreCase)
            || (recursive && parent.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase));
        // Win32's "*.*" matches every name, also one without a dot.
        var spec = fileSpec == "*.*" ? "*" : fileSpec;
        return inFolder && FileSystemName.MatchesSimpleExpression(spec, Path.GetFileName(path), ignoreCase: true);
    }
}
