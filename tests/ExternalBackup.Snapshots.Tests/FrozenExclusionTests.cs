namespace ExternalBackup.Snapshots.Tests;

/// <summary>What a writer's exclude file specification leaves out of a frozen set.</summary>
public sealed class FrozenExclusionTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "eb-exclusion");

    [TestCase("scratch.edb", false, "scratch.edb", true)]
    [TestCase("scratch.edb", false, "SCRATCH.EDB", true)]
    [TestCase("*.tmp", false, "a.tmp", true)]
    [TestCase("*.tmp", false, "a.edb", false)]
    [TestCase("*.*", false, "noextension", true)]
    [TestCase("*", false, "anything.log", true)]
    [TestCase("*.tmp", false, "sub/a.tmp", false)]
    [TestCase("*.tmp", true, "sub/deeper/a.tmp", true)]
    public void A_rule_matches_names_in_its_folder_and_below_only_when_recursive(string spec, bool recursive, string file, bool matches)
    {
        var rule = new FrozenExclusion(Path.Combine(Root, "db"), spec, recursive, "rule");

        Assert.That(rule.Matches(Path.Combine(Root, "db", file)), Is.EqualTo(matches));
    }

    [Test]
    public void A_rule_does_not_match_a_sibling_folder_that_shares_its_prefix()
    {
        var rule = new FrozenExclusion(Path.Combine(Root, "db"), "*", true, "rule");

        Assert.That(rule.Matches(Path.Combine(Root, "db2", "a.edb")), Is.False);
    }

    [Test]
    public void A_writers_rule_names_the_writer_and_the_live_specification()
    {
        var component = new SnapshotComponent { WriterId = Guid.NewGuid(), InstanceId = Guid.NewGuid(), WriterName = "NTDS", Name = "ntds", Files = [] };

        var rule = FrozenExclusion.OfWriter(component, new SnapshotFileSpec(SnapshotFileRole.Other, "C:\\Windows\\NTDS", "*.tmp", Recursive: true), Path.Combine(Root, "shadow"));

        Assert.That(rule.Rule, Is.EqualTo("writer 'NTDS' excludes C:\\Windows\\NTDS\\*.tmp and below"));
        Assert.That(rule.Folder, Is.EqualTo(Path.Combine(Root, "shadow")));
    }
}
