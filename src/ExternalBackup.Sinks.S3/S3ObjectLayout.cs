using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The key layout of sets in a bucket: <c>&lt;prefix&gt;/&lt;setId&gt;/&lt;path&gt;</c>, the manifest at
/// <c>&lt;prefix&gt;/&lt;setId&gt;/manifest.json</c>, the resume journal beside the set at
/// <c>&lt;prefix&gt;/&lt;setId&gt;.journal.json</c>.
/// </summary>
/// <param name="Prefix">The prefix, without leading or trailing '/'; empty for the bucket root.</param>
public sealed record S3ObjectLayout(string Prefix)
{
    /// <summary>The prefix every key of this layout starts with ("" or "prefix/").</summary>
    public string Root => Prefix.Length == 0 ? "" : Prefix + "/";

    /// <summary>The prefix of every object of set <paramref name="setId"/>, ending in '/'.</summary>
    public string SetRoot(string setId) => Root + CheckSetId(setId) + "/";

    /// <summary>The key of file <paramref name="path"/> (checked by <see cref="SetPath.Validate"/>) of a set.</summary>
    public string ObjectKey(string setId, string path) => SetRoot(setId) + SetPath.Validate(path);

    /// <summary>The key of a set's manifest.</summary>
    public string ManifestKey(string setId) => SetRoot(setId) + BackupManifest.FileName;

    /// <summary>The key of a set's resume journal (beside the set, never inside it).</summary>
    public string JournalKey(string setId) => Root + CheckSetId(setId) + ".journal.json";

    /// <summary>The set a key under <see cref="Root"/> belongs to, or <see langword="null"/> when it is not inside a set.</summary>
    public string? SetIdOf(string key)
    {
        if (!key.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = key.AsSpan(Root.Length);
        var slash = rest.IndexOf('/');
        return slash > 0 ? rest[..slash].ToString() : null;
    }

    private static string CheckSetId(string setId) =>
        SetPath.Check(setId) is null && !setId.Contains('/', StringComparison.Ordinal)
            ? setId
            : throw new ArgumentException($"set id '{setId}' is not a single safe path segment", nameof(setId));
}
