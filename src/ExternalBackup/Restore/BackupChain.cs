using ExternalBackup.Manifest;

namespace ExternalBackup.Restore;

/// <summary>
/// The sets needed to restore to the end of a given set: the full (or copy) set it descends from and every later
/// set whose logs continue it. Which log generation comes from which set is decided here; the generations must be
/// contiguous from the full set's first to the target's last.
/// </summary>
public sealed class BackupChain
{
    private BackupChain(BackupManifest full, IReadOnlyList<BackupManifest> sets, IReadOnlyList<(long Generation, BackupManifest Set, ManifestFile File)> logs)
    {
        Full = full;
        Sets = sets;
        Logs = logs;
    }

    /// <summary>The full or copy set the chain starts with.</summary>
    public BackupManifest Full { get; }

    /// <summary>Every set of the chain, oldest first (the full set first).</summary>
    public IReadOnlyList<BackupManifest> Sets { get; }

    /// <summary>Each log generation of the chain, in order, with the set and file it is taken from (the newest set that holds it).</summary>
    public IReadOnlyList<(long Generation, BackupManifest Set, ManifestFile File)> Logs { get; }

    /// <summary>The last generation of the chain.</summary>
    public long? LastGeneration => Logs.Count == 0 ? null : Logs[^1].Generation;

    /// <summary>
    /// Resolves the chain that ends with <paramref name="targetSetId"/> (or with the newest set when
    /// <see langword="null"/>) among <paramref name="sets"/> (oldest first).
    /// </summary>
    /// <exception cref="InvalidDataException">No full set precedes the target, or the logs have a gap (named).</exception>
    public static BackupChain Resolve(IReadOnlyList<BackupManifest> sets, string? targetSetId = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
        {
            throw new InvalidDataException("the destination holds no committed backup set");
        }

        var targetIndex = targetSetId is null ? sets.Count - 1 : IndexOf(sets, targetSetId);
        var fullIndex = -1;
        for (var i = targetIndex; i >= 0; i--)
        {
            if (sets[i].Kind.CopiesDatabases())
            {
                fullIndex = i;
                break;
            }
        }

        if (fullIndex < 0)
        {
            throw new InvalidDataException($"set '{sets[targetIndex].SetId}' has no full or copy set before it to start a restore from");
        }

        var full = sets[fullIndex];
        var chain = new List<BackupManifest> { full };
        var byGeneration = new SortedDictionary<long, (BackupManifest, ManifestFile)>();
        AddLogs(full, byGeneration);
        var high = full.LogGenerations?.High ?? 0;
        for (var i = fullIndex + 1; i <= targetIndex; i++)
        {
            var set = sets[i];
            // Sets between the full set and the target are logs-only (the full set is the last one before the target).
            if (set.LogGenerations is not { } range || range.Low > high + 1 || (range.High <= high && i != targetIndex))
            {
                // A set that does not continue the chain is skipped, unless it is the target: then the gap is the error.
                if (i == targetIndex && set.LogGenerations is { } r && r.Low > high + 1)
                {
                    throw new InvalidDataException($"set '{set.SetId}' starts at log generation {r.Low} but the chain from '{full.SetId}' ends at {high}: generations {high + 1}..{r.Low - 1} are missing");
                }

                continue;
            }

            chain.Add(set);
            AddLogs(set, byGeneration);
            high = Math.Max(high, range.High);
        }

        var logs = new List<(long, BackupManifest, ManifestFile)>(byGeneration.Count);
        long? previous = null;
        foreach (var (generation, (set, file)) in byGeneration)
        {
            if (previous is { } p && generation != p + 1)
            {
                throw new InvalidDataException($"the chain from '{full.SetId}' lacks log generations {p + 1}..{generation - 1}");
            }

            logs.Add((generation, set, file));
            previous = generation;
        }

        return new BackupChain(full, chain, logs);
    }

    private static int IndexOf(IReadOnlyList<BackupManifest> sets, string setId)
    {
        for (var i = 0; i < sets.Count; i++)
        {
            if (sets[i].SetId == setId)
            {
                return i;
            }
        }

        throw new InvalidDataException($"no committed set named '{setId}'");
    }

    private static void AddLogs(BackupManifest set, SortedDictionary<long, (BackupManifest, ManifestFile)> byGeneration)
    {
        foreach (var file in set.Files)
        {
            if (file.Kind == BackupFileKind.Log && file.Generation is { } generation)
            {
                byGeneration[generation] = (set, file);
            }
        }
    }
}
