using ExternalBackup.Manifest;
using ExternalBackup.Restore;
using ExternalBackup.Retention;
using FsCheck;
using FsCheck.Fluent;

namespace ExternalBackup.Tests.Retention;

/// <summary>restic's forget buckets per instance, and every kept set's chain kept whole (property over random histories).</summary>
public class RetentionPolicyTests
{
    private static readonly DateTimeOffset Sunday = new(2019, 9, 1, 11, 0, 0, TimeSpan.Zero);

    [Test]
    public void Keep_daily_over_weekly_sets_keeps_the_last_four_as_restic_documents()
    {
        // restic's doc/060_forget.rst example: one backup every Sunday for 12 weeks, forget --keep-daily 4.
        var history = new History();
        for (var week = 0; week < 12; week++)
        {
            history.Add("inst", BackupKind.Full, Sunday.AddDays(7 * week));
        }

        var plan = new RetentionPolicy { KeepDaily = 4 }.Apply(history.Sets);
        Assert.That(plan.Kept.Select(d => d.Set.Manifest.StartedUtc), Is.EqualTo(Enumerable.Range(8, 4).Select(w => Sunday.AddDays(7 * w))));
        Assert.That(plan.Kept.Select(d => d.Reasons), Has.All.EqualTo(new[] { "daily" }));
        Assert.That(plan.Removals.Select(d => d.Set.Manifest.StartedUtc), Is.EqualTo(Enumerable.Range(0, 8).Reverse().Select(w => Sunday.AddDays(7 * w))), "newest first");
    }

    [Test]
    public void Rules_are_ored_each_keeps_the_newest_set_of_its_bucket_and_the_oldest_set_is_kept_when_a_rule_is_short()
    {
        var history = new History();
        // Two sets a day for three days, 06:00 and 18:00 UTC.
        for (var day = 0; day < 3; day++)
        {
            history.Add("inst", BackupKind.Full, Sunday.AddDays(day).AddHours(-5));
            history.Add("inst", BackupKind.Full, Sunday.AddDays(day).AddHours(7));
        }

        var plan = new RetentionPolicy { KeepLast = 1, KeepDaily = 2, KeepMonthly = 5 }.Apply(history.Sets);
        var kept = plan.Kept.ToDictionary(d => d.Set.Manifest.StartedUtc, d => string.Join(",", d.Reasons));
        Assert.That(kept, Is.EqualTo(new Dictionary<DateTimeOffset, string>
        {
            [Sunday.AddHours(-5)] = "oldest set of the instance (fewer monthly sets than asked for)",
            [Sunday.AddDays(1).AddHours(7)] = "daily",
            [Sunday.AddDays(2).AddHours(7)] = "last,daily,monthly",
        }));
    }

    [Test]
    public void Weeks_are_iso_weeks_in_utc()
    {
        var history = new History();
        // Sunday 2019-09-01 ends ISO week 35; Monday 2019-09-02 starts week 36.
        history.Add("inst", BackupKind.Full, Sunday.AddHours(-1));
        history.Add("inst", BackupKind.Full, Sunday.AddHours(12));
        history.Add("inst", BackupKind.Full, Sunday.AddHours(14));
        var plan = new RetentionPolicy { KeepWeekly = 2 }.Apply(history.Sets);
        Assert.That(plan.Kept.Select(d => d.Set.Manifest.StartedUtc), Is.EqualTo(new[] { Sunday.AddHours(12), Sunday.AddHours(14) }));
    }

    [Test]
    public void A_kept_incremental_keeps_its_chain_back_to_its_full_and_instances_are_separate_groups()
    {
        var history = new History();
        var full = history.Add("a", BackupKind.Full, Sunday);
        var other = history.Add("b", BackupKind.Full, Sunday.AddHours(1));
        var first = history.Add("a", BackupKind.Incremental, Sunday.AddHours(2));
        history.Add("a", BackupKind.Differential, Sunday.AddHours(3));
        var last = history.Add("a", BackupKind.Incremental, Sunday.AddHours(4));
        var plan = new RetentionPolicy { KeepLast = 1 }.Apply(history.Sets);
        var kept = plan.Kept.ToDictionary(d => d.Set.Name, d => d.Reasons);
        Assert.That(kept.Keys, Is.EquivalentTo(new[] { full.Name, other.Name, first.Name, last.Name }));
        Assert.That(kept[full.Name], Is.EqualTo(new[] { $"needed by the chain of kept set '{last.Name}'" }));
        Assert.That(kept[other.Name], Is.EqualTo(new[] { "last" }), "instance b's newest set is its own group's last");
        Assert.That(plan.Removals.Single().Reasons.Single(), Does.Contain("no kept set's chain needs it"));
    }

    [Test]
    public void An_empty_policy_keeps_every_set()
    {
        var history = new History();
        history.Add("a", BackupKind.Full, Sunday);
        history.Add("a", BackupKind.Full, Sunday.AddDays(1));
        Assert.That(new RetentionPolicy().Apply(history.Sets).Removals, Is.Empty);
        Assert.Throws<ArgumentException>(() => new RetentionPolicy { KeepDaily = -1 }.Apply(history.Sets));
    }

    [Test]
    public void For_random_histories_and_policies_every_kept_set_stays_restorable_from_the_kept_sets_alone()
    {
        var steps = Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(
            Gen.Elements(BackupKind.Full, BackupKind.Incremental, BackupKind.Incremental, BackupKind.Differential, BackupKind.Copy)
                .SelectMany(kind => Gen.Choose(1, 200).SelectMany(hours => Gen.Elements("a", "b").Select(instance => (Kind: kind, Hours: hours, Instance: instance)))),
            n));
        var policies = Gen.ArrayOf(Gen.Choose(0, 4), 4).Where(c => c.Any(x => x > 0));
        var property = Prop.ForAll(Arb.From(steps), Arb.From(policies), (history, counts) =>
        {
            var sets = new History();
            var time = Sunday;
            foreach (var (kind, hours, instance) in history)
            {
                time = time.AddHours(hours);
                sets.Add(instance, kind, time);
            }

            var policy = new RetentionPolicy { KeepLast = counts[0], KeepDaily = counts[1], KeepWeekly = counts[2], KeepMonthly = counts[3] };
            var plan = policy.Apply(sets.Sets);
            var kept = plan.Kept.Select(d => d.Set.Manifest).ToList();
            foreach (var set in kept)
            {
                // Restorable from what is left, by the restore side's own resolution, and the same chain as before.
                var before = BackupChain.Resolve(sets.Sets.Select(s => s.Manifest).ToList(), set.SetId);
                var after = BackupChain.Resolve(kept, set.SetId);
                if (!after.Sets.Select(s => s.SetId).SequenceEqual(before.Sets.Select(s => s.SetId)) || after.LastGeneration != before.LastGeneration)
                {
                    return false;
                }
            }

            // Each instance's newest set is kept by any rule; a set goes before any set it extends.
            var newest = sets.Sets.GroupBy(s => s.Manifest.Instance).Select(g => g.Last().Name);
            var order = plan.Removals.Select(d => d.Set.Manifest.SetId).ToList();
            return newest.All(n => plan.Kept.Any(d => d.Set.Name == n))
                && plan.Removals.All(d => d.Set.Manifest.Extends is not { } parent || !order.Contains(parent.SetId) || order.IndexOf(parent.SetId) > order.IndexOf(d.Set.Manifest.SetId));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }
}
