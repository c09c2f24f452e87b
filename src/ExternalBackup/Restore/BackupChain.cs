using ExternalBackup.Chains;
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

    /// <summary>
    /// Each log generation of the chain, with the set and file it is taken from (the newest set that holds it): in
    /// generation order per log stream (<see cref="RestoreLayout.LogStreamOf"/>), the streams in ordinal order of
    /// their folders. A set of several components holds one stream per component, each numbered on its own.
    /// </summary>
    public IReadOnlyList<(long Generation, BackupManifest Set, ManifestFile File)> Logs { get; }

    /// <summary>The last generation of the chain (of its only log stream; the highest of all with several).</summary>
    public long? LastGeneration => Logs.Count == 0 ? null : Logs.Max(l => l.Generation);

    /// <summary>
    /// Resolves the chain that ends with <paramref name="targetSetId"/> (or with the newest set when
    /// <see langword="null"/>) among <paramref name="sets"/> (oldest first), by identity and generations, never by
    /// time alone: a format 2 set is linked to the set its <c>extends</c> names (by id, checked against its identity:
    /// same instance and log signature); a set without a link (format 1, or committed as an orphan) to the newest
    /// earlier set of the same instance and log stream whose generations it continues, back to a full or copy set.
    /// Sets of other instances in the same destination are never part of the chain.
    /// </summary>
    /// <exception cref="InvalidDataException">No full set of the target's identity precedes it, a named parent is missing or of another identity, or the logs have a gap (named).</exception>
    public static BackupChain Resolve(IReadOnlyList<BackupManifest> sets, string? targetSetId = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
        {
            throw new InvalidDataException("the destination holds no committed backup set");
        }

        var targetIndex = targetSetId is null ? sets.Count - 1 : IndexOf(sets, targetSetId);
        var chain = new List<BackupManifest>();
        var index = targetIndex;
        while (true)
        {
            var current = sets[index];
            if (current.Kind.CopiesDatabases())
            {
                chain.Add(current);
                break;
            }

            if (current.Identity is null || current.Extends is null)
            {
                // No link to follow: the sets of its instance and log stream, by generations (format 1's rule, per instance).
                var members = new List<BackupManifest>();
                for (var i = 0; i <= index; i++)
                {
                    if (ChainMembership.SameIdentity(sets[i], current))
                    {
                        members.Add(sets[i]);
                    }
                }

                chain.AddRange(ByGenerations(members, members.Count - 1));
                break;
            }

            chain.Add(current);
            index = ParentIndex(sets, current, chain);
        }

        chain.Reverse();
        var full = chain[0];
        var byGeneration = new SortedDictionary<(string Stream, long Generation), (BackupManifest, ManifestFile)>(StreamOrder.Instance);
        var high = full.LogGenerations?.High ?? 0;
        foreach (var set in chain)
        {
            if (set != full && set.LogGenerations is { } r && r.Low > high + 1)
            {
                throw new InvalidDataException($"set '{set.SetId}' starts at log generation {r.Low} but the chain from '{full.SetId}' ends at {high}: generations {high + 1}..{r.Low - 1} are missing");
            }

            AddLogs(set, byGeneration);
            high = Math.Max(high, set.LogGenerations?.High ?? high);
        }

        var logs = new List<(long, BackupManifest, ManifestFile)>(byGeneration.Count);
        (string Stream, long Generation)? previous = null;
        var streams = byGeneration.Keys.Select(k => k.Stream).Distinct(StringComparer.Ordinal).Count();
        foreach (var ((stream, generation), (set, file)) in byGeneration)
        {
            if (previous is { } p && p.Stream == stream && generation != p.Generation + 1)
            {
                var where = streams > 1 ? $" in {stream}" : string.Empty;
                throw new InvalidDataException($"the chain from '{full.SetId}' lacks log generations {p.Generation + 1}..{generation - 1}{where}");
            }

            logs.Add((generation, set, file));
            previous = (stream, generation);
        }

        return new BackupChain(full, chain, logs);
    }

    /// <summary>The index of the set <paramref name="set"/>'s <c>extends</c> names, checked against its identity.</summary>
    private static int ParentIndex(IReadOnlyList<BackupManifest> sets, BackupManifest set, List<BackupManifest> seen)
    {
        var reference = set.Extends!;
        var parentIndex = -1;
        for (var i = 0; i < sets.Count; i++)
        {
            if (sets[i].SetId == reference.SetId)
            {
                parentIndex = i;
                break;
            }
        }

        if (parentIndex < 0)
        {
            throw new InvalidDataException($"set '{set.SetId}' extends set '{reference.SetId}', which is not in the destination: the chain cannot be restored past it");
        }

        var parent = sets[parentIndex];
        if (reference.LogSignature is { } named && ChainMembership.LogSignatureOf(parent) is { } actual && !string.Equals(named, actual, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"set '{set.SetId}' extends set '{reference.SetId}' of log signature {named}, but the set of that name in the destination is of log signature {actual}: not its parent");
        }

        if (!ChainMembership.SameIdentity(parent, set))
        {
            throw new InvalidDataException($"set '{set.SetId}' (instance '{ChainMembership.InstanceOf(set)}') extends set '{reference.SetId}' of instance '{ChainMembership.InstanceOf(parent)}' and log stream {ChainMembership.LogSignatureOf(parent) ?? "unknown"}: another chain");
        }

        if (seen.Contains(parent))
        {
            throw new InvalidDataException($"set '{set.SetId}' extends set '{reference.SetId}', which already is a later set of the chain: the links form a loop");
        }

        return parentIndex;
    }

    /// <summary>
    /// The chain ending with <paramref name="members"/>[<paramref name="targetIndex"/>] found by generations alone
    /// among sets already known to be of one identity (oldest first), newest first: the last full or copy set before
    /// the target and every later set whose logs continue it.
    /// </summary>
    private static List<BackupManifest> ByGenerations(List<BackupManifest> members, int targetIndex)
    {
        var fullIndex = -1;
        for (var i = targetIndex; i >= 0; i--)
        {
            if (members[i].Kind.CopiesDatabases())
            {
                fullIndex = i;
                break;
            }
        }

        if (fullIndex < 0)
        {
            var target = members[targetIndex];
            throw new InvalidDataException($"set '{target.SetId}' has no full or copy set of its instance ('{ChainMembership.InstanceOf(target)}') and log stream before it to start a restore from");
        }

        var full = members[fullIndex];
        var chain = new List<BackupManifest> { full };
        var high = full.LogGenerations?.High ?? 0;
        var streamHighs = StreamRanges(full).ToDictionary(r => r.Key, r => r.Value.High, StringComparer.Ordinal);
        for (var i = fullIndex + 1; i <= targetIndex; i++)
        {
            var set = members[i];
            if (set.LogGenerations is null)
            {
                // A set of several log streams records no single range: each stream must continue the chain's.
                if (ContinuesEachStream(set, full, streamHighs, i == targetIndex))
                {
                    chain.Add(set);
                }

                continue;
            }

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
            high = Math.Max(high, range.High);
        }

        chain.Reverse();
        return chain;
    }

    /// <summary>
    /// Whether <paramref name="set"/> (no <c>logGenerations</c>: a set of several log streams) continues each stream
    /// of the chain so far (<paramref name="streamHighs"/>, updated when it does) by the generations of its log files.
    /// The target must: a target holding no log, or one whose stream starts after a gap, fails naming it and why.
    /// </summary>
    private static bool ContinuesEachStream(BackupManifest set, BackupManifest full, Dictionary<string, long> streamHighs, bool isTarget)
    {
        var ranges = StreamRanges(set);
        if (ranges.Count == 0)
        {
            return isTarget
                ? throw new InvalidDataException($"set '{set.SetId}' records no log generations and holds no log: whether it continues the chain from '{full.SetId}' cannot be told, so it cannot be restored")
                : false;
        }

        foreach (var (stream, (low, _)) in ranges)
        {
            var high = streamHighs.GetValueOrDefault(stream);
            if (low > high + 1)
            {
                return isTarget
                    ? throw new InvalidDataException($"set '{set.SetId}' starts {stream} at log generation {low} but the chain from '{full.SetId}' ends it at {high}: generations {high + 1}..{low - 1} are missing")
                    : false;
            }
        }

        if (!isTarget && ranges.All(r => r.Value.High <= streamHighs.GetValueOrDefault(r.Key)))
        {
            return false;
        }

        foreach (var (stream, (_, high)) in ranges)
        {
            streamHighs[stream] = Math.Max(streamHighs.GetValueOrDefault(stream), high);
        }

        return true;
    }

    /// <summary>The generations of a set's log files per log stream (<see cref="RestoreLayout.LogStreamOf"/>).</summary>
    private static SortedDictionary<string, (long Low, long High)> StreamRanges(BackupManifest set)
    {
        var ranges = new SortedDictionary<string, (long Low, long High)>(StringComparer.Ordinal);
        foreach (var file in set.Files)
        {
            if (file.Kind == BackupFileKind.Log && file.Generation is { } g)
            {
                var stream = RestoreLayout.LogStreamOf(file);
                ranges[stream] = ranges.TryGetValue(stream, out var r) ? (Math.Min(r.Low, g), Math.Max(r.High, g)) : (g, g);
            }
        }

        return ranges;
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

    private static void AddLogs(BackupManifest set, SortedDictionary<(string Stream, long Generation), (BackupManifest, ManifestFile)> byGeneration)
    {
        foreach (var file in set.Files)
        {
            if (file.Kind == BackupFileKind.Log && file.Generation is { } generation)
            {
                byGeneration[(RestoreLayout.LogStreamOf(file), generation)] = (set, file);
            }
        }
    }

    /// <summary>Log streams in ordinal order of their folders, each by generation.</summary>
    private sealed class StreamOrder : IComparer<(string Stream, long Generation)>
    {
        public static readonly StreamOrder Instance = new();

        public int Compare((string Stream, long Generation) x, (string Stream, long Generation) y)
        {
            var byStream = string.CompareOrdinal(x.Stream, y.Stream);
            return byStream != 0 ? byStream : x.Generation.CompareTo(y.Generation);
        }
    }
}
