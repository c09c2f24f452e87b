using ExternalBackup.Sinks;

namespace ExternalBackup.Manifest;

/// <summary>
/// What a manifest read back must satisfy before anything trusts it: a safe set id, non-null lists, every file
/// once with a safe path, a defined kind, a plausible size and a SHA-256, every log generation once in its log
/// folder (a set of several components holds one log stream per component, <c>logs/&lt;component&gt;/</c>), and an
/// ordered generation range.
/// </summary>
public static class ManifestValidation
{
    /// <summary>The largest file a set may list: 64 TiB (ESE databases end at 16 TiB; logs and checkpoints are small).</summary>
    public const long MaxFileBytes = 64L << 40;

    /// <summary>The most files a set may list.</summary>
    public const int MaxFiles = 1_000_000;

    /// <summary>Why <paramref name="manifest"/> cannot be trusted, or <see langword="null"/> when it can.</summary>
    public static string? Check(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.SetId is null || SetPath.Check(manifest.SetId) is not null || manifest.SetId.Contains('/', StringComparison.Ordinal))
        {
            return $"setId '{manifest.SetId}' is not a single safe name";
        }

        if (!Enum.IsDefined(manifest.Kind))
        {
            return $"kind {(int)manifest.Kind} is not full, incremental, copy or differential";
        }

        if (manifest.Files is null)
        {
            return "'files' is null (every manifest lists its files)";
        }

        if (manifest.Databases is null)
        {
            return "'databases' is null (an empty list when nothing is known)";
        }

        if (manifest.Files.Count > MaxFiles)
        {
            return $"{manifest.Files.Count} files listed, more than {MaxFiles}";
        }

        if (manifest.LogGenerations is { } range && (range.Low < 0 || range.High < range.Low))
        {
            return $"logGenerations {range.Low}..{range.High} is not an ordered range";
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        var generations = new Dictionary<(string Folder, long Generation), string>();
        for (var i = 0; i < manifest.Files.Count; i++)
        {
            var file = manifest.Files[i];
            if (file is null)
            {
                return $"files[{i}] is null";
            }

            if (file.Path is null || SetPath.Check(file.Path) is not null)
            {
                return $"files[{i}] has an unsafe path '{file.Path}' ({(file.Path is null ? "null" : SetPath.Check(file.Path))})";
            }

            if (string.Equals(file.Path, BackupManifest.FileName, StringComparison.OrdinalIgnoreCase))
            {
                return $"files[{i}] '{file.Path}' names the manifest itself";
            }

            if (!paths.Add(file.Path))
            {
                return $"files[{i}] '{file.Path}' is listed twice";
            }

            if (!Enum.IsDefined(file.Kind))
            {
                return $"files[{i}] '{file.Path}' has kind {(int)file.Kind}, not database, log, checkpoint or other";
            }

            if (file.Bytes is < 0 or > MaxFileBytes)
            {
                return $"files[{i}] '{file.Path}' has an absurd size of {file.Bytes} bytes (0..{MaxFileBytes})";
            }

            if (file.Sha256 is null || file.Sha256.Length is 0 or > 128 || !file.Sha256.All(Uri.IsHexDigit))
            {
                return $"files[{i}] '{file.Path}' has no SHA-256 (hex digits): '{file.Sha256}'";
            }

            if (file.Generation is { } generation)
            {
                if (generation < 0)
                {
                    return $"files[{i}] '{file.Path}' has negative log generation {generation}";
                }

                var stream = (file.Path[..Math.Max(0, file.Path.LastIndexOf('/'))], generation);
                if (file.Kind == BackupFileKind.Log && !generations.TryAdd(stream, file.Path))
                {
                    return $"files[{i}] '{file.Path}' is log generation {generation}, which '{generations[stream]}' already is";
                }
            }
        }

        for (var i = 0; i < manifest.Databases.Count; i++)
        {
            if (manifest.Databases[i] is null || manifest.Databases[i].Path is null)
            {
                return $"databases[{i}] is null or has no path";
            }
        }

        return null;
    }
}
