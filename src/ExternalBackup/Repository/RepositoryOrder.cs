namespace ExternalBackup.Repository;

/// <summary>The order every repository lists sets in: by start time, then by stored name.</summary>
internal static class RepositoryOrder
{
    /// <summary>Oldest first; ties by name.</summary>
    public static IReadOnlyList<StoredSet> Oldest(IEnumerable<StoredSet> sets) =>
        [.. sets.OrderBy(s => s.Manifest.StartedUtc).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Container, StringComparer.Ordinal)];
}
