using ExternalBackup.Manifest;
using ExternalBackup.Restore;

namespace ExternalBackup.Tests.Restore;

/// <summary>Restore-side chain resolution over hand-made manifests: identity and generations, never time alone.</summary>
public class BackupChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private static BackupManifest Set(int order, string id, BackupKind kind, string instance, long low, long high, string? logSignature, string? extends = null, string? extendsSignature = null)
    {
        var files = new List<ManifestFile>();
        if (kind.CopiesDatabases())
        {
            files.Add(new ManifestFile { Path = "databases/ntds.dit", Kind = BackupFileKind.Database, Bytes = 1, Sha256 = "00" });
        }

        for (var g = low; g <= high; g++)
        {
            files.Add(new ManifestFile { Path = $"logs/edb{g:X8}.log", Kind = BackupFileKind.Log, Bytes = 1, Sha256 = "00", Generation = g });
        }

        return new BackupManifest
        {
            FormatVersion = logSignature is null ? 1 : BackupManifest.CurrentFormatVersion,
            SetId = id,
            Kind = kind,
            StartedUtc = Start.AddHours(order),
            CompletedUtc = Start.AddHours(order).AddMinutes(5),
            Instance = instance,
            Source = "model",
            LogGenerations = new LogGenerationRange(low, high),
            Files = files,
            Identity = logSignature is null ? null : new SetIdentity { Instance = instance, LogSignature = logSignature },
            Extends = extends is null ? null : new SetReference(extends, BackupKind.Full, null, extendsSignature ?? logSignature),
        };
    }

    /// <summary>A set of two components (two storage groups), each its own log stream: no single range, identity per stream.</summary>
    private static BackupManifest TwoStreamSet(int order, string id, BackupKind kind, (long Low, long High) sg1, (long Low, long High) sg2)
    {
        var files = new List<ManifestFile>();
        foreach (var (stream, (low, high)) in new[] { ("sg1", sg1), ("sg2", sg2) })
        {
            if (kind.CopiesDatabases())
            {
                files.Add(new ManifestFile { Path = $"databases/{stream}/{stream}.edb", Kind = BackupFileKind.Database, Bytes = 1, Sha256 = "00" });
            }

            for (var g = low; g <= high; g++)
            {
                files.Add(new ManifestFile { Path = $"logs/{stream}/edb{g:X5}.log", Kind = BackupFileKind.Log, Bytes = 1, Sha256 = "00", Generation = g });
            }
        }

        return new BackupManifest
        {
            SetId = id,
            Kind = kind,
            StartedUtc = Start.AddHours(order),
            CompletedUtc = Start.AddHours(order).AddMinutes(5),
            Instance = "exchange",
            Source = "snapshot",
            Files = files,
            Identity = new SetIdentity { Instance = "exchange", LogStreams = [new LogStreamIdentity("logs/sg1", "aaaa0001 (11/22/2026 06:00:00.000)"), new LogStreamIdentity("logs/sg2", "bbbb0002 (11/22/2026 06:00:00.000)")] },
        };
    }

    [Test]
    public void An_unlinked_incremental_of_several_log_streams_is_restored_with_its_full_set_by_each_streams_generations()
    {
        IReadOnlyList<BackupManifest> sets =
        [
            TwoStreamSet(0, "01-full", BackupKind.Full, (5, 6), (3, 3)),
            TwoStreamSet(1, "02-inc", BackupKind.Incremental, (7, 8), (4, 5)),
            TwoStreamSet(2, "03-inc", BackupKind.Incremental, (9, 9), (6, 6)),
        ];

        var chain = BackupChain.Resolve(sets, "03-inc");

        Assert.That(chain.Sets.Select(s => s.SetId), Is.EqualTo(new[] { "01-full", "02-inc", "03-inc" }));
        Assert.That(chain.Logs.Select(l => (RestoreLayout.LogStreamOf(l.File), l.Generation)), Is.EqualTo(new[]
        {
            ("logs/sg1", 5L), ("logs/sg1", 6L), ("logs/sg1", 7L), ("logs/sg1", 8L), ("logs/sg1", 9L),
            ("logs/sg2", 3L), ("logs/sg2", 4L), ("logs/sg2", 5L), ("logs/sg2", 6L),
        }));
    }

    [Test]
    public void An_unlinked_incremental_of_several_log_streams_with_a_gap_in_one_stream_fails_naming_the_set_and_the_stream()
    {
        IReadOnlyList<BackupManifest> sets =
        [
            TwoStreamSet(0, "01-full", BackupKind.Full, (5, 6), (3, 3)),
            TwoStreamSet(1, "02-inc", BackupKind.Incremental, (7, 8), (6, 7)),
        ];

        var e = Assert.Throws<InvalidDataException>(() => BackupChain.Resolve(sets, "02-inc"));

        Assert.That(e!.Message, Is.EqualTo("set '02-inc' starts logs/sg2 at log generation 6 but the chain from '01-full' ends it at 3: generations 4..5 are missing"));
    }

    private static IReadOnlyList<string> Resolve(IReadOnlyList<BackupManifest> sets, string target) =>
        BackupChain.Resolve(sets, target).Sets.Select(s => s.SetId).ToList();

    [Test]
    public void Two_log_streams_of_one_instance_name_interleaved_in_one_destination_each_resolve_to_their_own_chain()
    {
        // Two domain controllers whose instance is "NTDS" back up into one share; generations even overlap.
        const string dc1 = "aaaa0001 (11/22/2026 06:00:00.000)";
        const string dc2 = "bbbb0002 (11/22/2026 06:00:00.000)";
        IReadOnlyList<BackupManifest> sets =
        [
            Set(0, "dc1-full", BackupKind.Full, "NTDS", 10, 12, dc1),
            Set(1, "dc2-full", BackupKind.Full, "NTDS", 40, 41, dc2),
            Set(2, "dc1-inc1", BackupKind.Incremental, "NTDS", 13, 14, dc1, "dc1-full"),
            Set(3, "dc2-inc1", BackupKind.Incremental, "NTDS", 42, 43, dc2, "dc2-full"),
            Set(4, "dc1-inc2", BackupKind.Incremental, "NTDS", 15, 15, dc1, "dc1-inc1"),
            Set(5, "dc2-diff", BackupKind.Differential, "NTDS", 42, 44, dc2, "dc2-full"),
        ];

        Assert.Multiple(() =>
        {
            Assert.That(Resolve(sets, "dc1-inc2"), Is.EqualTo(new[] { "dc1-full", "dc1-inc1", "dc1-inc2" }));
            Assert.That(Resolve(sets, "dc2-inc1"), Is.EqualTo(new[] { "dc2-full", "dc2-inc1" }));
            Assert.That(Resolve(sets, "dc2-diff"), Is.EqualTo(new[] { "dc2-full", "dc2-diff" }));
            Assert.That(BackupChain.Resolve(sets, "dc1-inc2").Logs.Select(l => l.Generation), Is.EqualTo(new long[] { 10, 11, 12, 13, 14, 15 }));
        });
    }

    [Test]
    public void Format_1_sets_without_identity_resolve_by_instance_name_and_generations()
    {
        IReadOnlyList<BackupManifest> sets =
        [
            Set(0, "a-full", BackupKind.Full, "/srv/a", 10, 12, null),
            Set(1, "b-full", BackupKind.Full, "/srv/b", 40, 41, null),
            Set(2, "a-inc", BackupKind.Incremental, "/srv/a", 13, 14, null, "b-full"),
            Set(3, "b-inc", BackupKind.Incremental, "/srv/b", 42, 42, null, "b-full"),
        ];

        // Format 1 recorded the newest set as "extends" whatever its instance: the instance name decides.
        Assert.That(Resolve(sets, "a-inc"), Is.EqualTo(new[] { "a-full", "a-inc" }));
        Assert.That(Resolve(sets, "b-inc"), Is.EqualTo(new[] { "b-full", "b-inc" }));
    }

    [Test]
    public void An_incremental_whose_named_parent_is_not_in_the_destination_fails_naming_both()
    {
        const string sig = "aaaa0001 (11/22/2026 06:00:00.000)";
        IReadOnlyList<BackupManifest> sets =
        [
            Set(0, "full", BackupKind.Full, "NTDS", 10, 12, sig),
            Set(1, "inc2", BackupKind.Incremental, "NTDS", 15, 16, sig, "inc1"),
        ];

        var e = Assert.Throws<InvalidDataException>(() => BackupChain.Resolve(sets, "inc2"));
        Assert.That(e!.Message, Does.Contain("set 'inc2' extends set 'inc1', which is not in the destination"));
    }

    [Test]
    public void A_parent_named_by_id_but_of_another_log_signature_is_not_taken()
    {
        const string mine = "aaaa0001 (11/22/2026 06:00:00.000)";
        const string other = "bbbb0002 (11/22/2026 06:00:00.000)";
        IReadOnlyList<BackupManifest> sets =
        [
            Set(0, "full", BackupKind.Full, "NTDS", 10, 12, other),
            Set(1, "inc", BackupKind.Incremental, "NTDS", 13, 14, mine, "full", mine),
        ];

        var e = Assert.Throws<InvalidDataException>(() => BackupChain.Resolve(sets, "inc"));
        Assert.That(e!.Message, Does.Contain($"of log signature {mine}").And.Contain($"is of log signature {other}"));
    }

    [Test]
    public void An_orphan_incremental_resolves_only_to_a_full_of_its_own_identity()
    {
        const string mine = "aaaa0001 (11/22/2026 06:00:00.000)";
        const string other = "bbbb0002 (11/22/2026 06:00:00.000)";
        IReadOnlyList<BackupManifest> sets =
        [
            Set(0, "full-mine", BackupKind.Full, "NTDS", 10, 12, mine),
            Set(1, "full-other", BackupKind.Full, "NTDS", 11, 12, other),
            Set(2, "orphan", BackupKind.Incremental, "NTDS", 13, 13, mine),
        ];

        Assert.That(Resolve(sets, "orphan"), Is.EqualTo(new[] { "full-mine", "orphan" }));
        var lonely = new[] { sets[1], sets[2] };
        var e = Assert.Throws<InvalidDataException>(() => BackupChain.Resolve(lonely, "orphan"));
        Assert.That(e!.Message, Does.Contain("no full or copy set of its instance ('NTDS') and log stream before it"));
    }
}
