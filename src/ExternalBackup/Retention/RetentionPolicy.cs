using System.Globalization;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;

namespace ExternalBackup.Retention;

/// <summary>
/// Which sets of a destination to keep: restic's <c>forget</c> policy over each instance's sets, by the set's start
/// time in UTC, then every set a kept set's chain needs.
/// <para>
/// The rules, as restic documents them (restic <c>doc/060_forget.rst</c>, "Removing snapshots according to a
/// policy", and <c>restic-forget(1)</c> of restic 0.17): <c>--keep-last n</c> keeps the n most recent sets;
/// <c>--keep-daily n</c> "for the last n days which have one or more snapshots, keep only the most recent one for each
/// day", and so for weeks and months; "a snapshot only need to match a single option to be kept (the results are
/// ORed)"; "if there are not enough snapshots to keep one for each duration related --keep-* option, the oldest
/// snapshot in the group is kept additionally"; an empty policy keeps everything. The buckets are restic's
/// (<c>internal/restic/snapshot_policy.go</c>): a day is YYYYMMDD, a week the ISO 8601 year and week
/// (<see cref="ISOWeek"/>), a month YYYYMM; walking the sets newest first, a rule keeps a set when its bucket differs
/// from the last bucket that rule kept, until its count is spent. Groups are instances (restic groups by host and
/// paths), so one instance's backups never push out another's.
/// </para>
/// <para>
/// On top of restic: a kept set's chain (<see cref="BackupChain.Resolve"/>, the restore side's own resolution: the
/// full set and every set its logs come from) is kept too, so every kept set stays restorable. When a kept set's chain
/// cannot be resolved (already damaged), every earlier set of its instance is kept: nothing it might need goes.
/// </para>
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep the n most recent sets of each instance.</summary>
    /// <value>The default value is <see cref="RetentionDefaults.Off"/>.</value>
    public int KeepLast { get; init; } = RetentionDefaults.Off;

    /// <summary>Keep the most recent set of each of the last n days (UTC) that have sets.</summary>
    /// <value>The default value is <see cref="RetentionDefaults.Off"/>.</value>
    public int KeepDaily { get; init; } = RetentionDefaults.Off;

    /// <summary>Keep the most recent set of each of the last n ISO weeks (UTC) that have sets.</summary>
    /// <value>The default value is <see cref="RetentionDefaults.Off"/>.</value>
    public int KeepWeekly { get; init; } = RetentionDefaults.Off;

    /// <summary>Keep the most recent set of each of the last n months (UTC) that have sets.</summary>
    /// <value>The default value is <see cref="RetentionDefaults.Off"/>.</value>
    public int KeepMonthly { get; init; } = RetentionDefaults.Off;

    /// <summary>Whether no rule is on (then every set is kept, as restic does).</summary>
    public bool IsEmpty => KeepLast <= 0 && KeepDaily <= 0 && KeepWeekly <= 0 && KeepMonthly <= 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming a negative count.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("keep-last", KeepLast), ("keep-daily", KeepDaily), ("keep-weekly", KeepWeekly), ("keep-monthly", KeepMonthly) })
        {
            if (value < 0)
            {
                throw new ArgumentException($"--{name} {value}: a count of sets cannot be negative");
            }
        }
    }

    /// <summary>Decides for each of <paramref name="sets"/> (oldest first, as a repository lists them).</summary>
    public RetentionPlan Apply(IReadOnlyList<StoredSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        Validate();
        var reasons = sets.ToDictionary<StoredSet, StoredSet, List<string>>(s => s, _ => [], ReferenceEqualityComparer.Instance);
        if (IsEmpty)
        {
            foreach (var set in sets)
            {
                reasons[set].Add("the policy is empty: every set is kept");
            }

            return Plan(sets, reasons);
        }

        foreach (var group in sets.GroupBy(s => ChainMembership.InstanceOf(s.Manifest), StringComparer.Ordinal))
        {
            KeepByRules([.. group.Reverse()], reasons);
        }

        KeepChains(sets, reasons);
        return Plan(sets, reasons);
    }

    private void KeepByRules(List<StoredSet> newestFirst, Dictionary<StoredSet, List<string>> reasons)
    {
        var rules = new[]
        {
            new Rule("last", KeepLast, null),
            new Rule("daily", KeepDaily, t => (t.Year * 10000) + (t.Month * 100) + t.Day),
            new Rule("weekly", KeepWeekly, t => (ISOWeek.GetYear(t.UtcDateTime) * 100) + ISOWeek.GetWeekOfYear(t.UtcDateTime)),
            new Rule("monthly", KeepMonthly, t => (t.Year * 100) + t.Month),
        };
        for (var i = 0; i < newestFirst.Count; i++)
        {
            var set = newestFirst[i];
            var started = set.Manifest.StartedUtc.ToUniversalTime();
            foreach (var rule in rules)
            {
                if (rule.Left <= 0)
                {
                    continue;
                }

                // keep-last's bucket is the set itself (restic's "always").
                var bucket = rule.Bucket is null ? i : rule.Bucket(started);
                if (bucket != rule.LastBucket)
                {
                    reasons[set].Add(rule.Name);
                    rule.LastBucket = bucket;
                    rule.Left--;
                }
            }
        }

        var unfilled = rules.Where(r => r.Bucket is not null && r.Left > 0).Select(r => r.Name).ToList();
        if (unfilled.Count > 0 && newestFirst.Count > 0)
        {
            reasons[newestFirst[^1]].Add($"oldest set of the instance (fewer {string.Join("/", unfilled)} sets than asked for)");
        }
    }

    private static void KeepChains(IReadOnlyList<StoredSet> sets, Dictionary<StoredSet, List<string>> reasons)
    {
        var manifests = sets.Select(s => s.Manifest).ToList();
        var byManifest = sets.ToDictionary<StoredSet, BackupManifest, StoredSet>(s => s.Manifest, s => s, ReferenceEqualityComparer.Instance);
        var keptByRule = sets.Where(s => reasons[s].Count > 0).ToList();
        foreach (var kept in keptByRule)
        {
            var index = IndexOf(sets, kept);
            try
            {
                // The listing up to the kept set: what its chain can be built from, as `list` resolves it.
                var chain = BackupChain.Resolve(manifests.Take(index + 1).ToList(), kept.Manifest.SetId);
                foreach (var member in chain.Sets)
                {
                    var needed = byManifest[member];
                    if (!ReferenceEquals(needed, kept))
                    {
                        reasons[needed].Add($"needed by the chain of kept set '{kept.Manifest.SetId}'");
                    }
                }
            }
            catch (InvalidDataException e)
            {
                for (var i = 0; i < index; i++)
                {
                    if (ChainMembership.SameInstance(sets[i].Manifest, ChainMembership.InstanceOf(kept.Manifest)))
                    {
                        reasons[sets[i]].Add($"kept set '{kept.Manifest.SetId}' has a damaged chain ({e.Message}): every earlier set of its instance is kept");
                    }
                }
            }
        }
    }

    private static int IndexOf(IReadOnlyList<StoredSet> sets, StoredSet set)
    {
        for (var i = 0; i < sets.Count; i++)
        {
            if (ReferenceEquals(sets[i], set))
            {
                return i;
            }
        }

        return -1;
    }

    private static RetentionPlan Plan(IReadOnlyList<StoredSet> sets, Dictionary<StoredSet, List<string>> reasons) =>
        new([.. sets.Select(s => reasons[s].Count > 0
            ? new RetentionDecision(s, true, reasons[s].Distinct(StringComparer.Ordinal).ToList())
            : new RetentionDecision(s, false, ["matches no keep rule and no kept set's chain needs it"]))]);

    private sealed class Rule(string name, int count, Func<DateTimeOffset, int>? bucket)
    {
        public string Name { get; } = name;

        public Func<DateTimeOffset, int>? Bucket { get; } = bucket;

        public int Left { get; set; } = count;

        public int LastBucket { get; set; } = -1;
    }
}
