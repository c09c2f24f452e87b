namespace ExternalBackup.Snapshots;

/// <summary>Maps live paths into snapshot roots, volume by volume (longest volume prefix wins).</summary>
public sealed class SnapshotPathMap
{
    private readonly List<KeyValuePair<string, string>> _roots = [];

    /// <summary>Records that <paramref name="volume"/> is readable at <paramref name="snapshotRoot"/>.</summary>
    public void Add(string volume, string snapshotRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(volume);
        ArgumentException.ThrowIfNullOrEmpty(snapshotRoot);
        _roots.Add(new(WithSeparator(volume), WithSeparator(snapshotRoot)));
        _roots.Sort((a, b) => b.Key.Length.CompareTo(a.Key.Length));
    }

    /// <summary>The path of <paramref name="livePath"/> inside the snapshot; throws naming the path when no snapshotted volume holds it.</summary>
    public string Map(string livePath) =>
        TryMap(livePath, out var path) ? path : throw new InvalidOperationException($"'{livePath}' is on no volume of the snapshot set");

    /// <summary>The path of <paramref name="livePath"/> inside the snapshot, or <see langword="false"/> when no snapshotted volume holds it.</summary>
    public bool TryMap(string livePath, out string path)
    {
        ArgumentNullException.ThrowIfNull(livePath);
        var probe = WithSeparator(livePath);
        foreach (var (volume, root) in _roots)
        {
            if (probe.StartsWith(volume, StringComparison.OrdinalIgnoreCase))
            {
                var rest = livePath.Length > volume.Length ? livePath[volume.Length..] : "";
                path = rest.Length == 0 ? root.TrimEnd('\\', '/') : root + rest;
                return true;
            }
        }

        path = "";
        return false;
    }

    private static string WithSeparator(string path) =>
        path.EndsWith('\\') || path.EndsWith('/') ? path : path + (path.Contains('\\') && !path.Contains('/') ? '\\' : '/');
}
