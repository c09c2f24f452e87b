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
