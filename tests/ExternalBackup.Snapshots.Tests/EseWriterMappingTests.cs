using ExternalBackup.Interop.Vss;

namespace ExternalBackup.Snapshots.Tests;

public sealed class EseWriterMappingTests
{
    private static readonly Guid Instance = Guid.Parse("0D2C0D0E-0000-4000-8000-000000000001");

    private static string Expand(string s) => s.Replace("%SystemRoot%", "C:\\Windows", StringComparison.OrdinalIgnoreCase);

    // Component data as the NTDS writer reports it (reference: component "ntds", logical path C:_Windows_NTDS,
    // DATABASE, not selectable, file spec backup type 3855; ntds.dit, edb*.log, edb.chk).
    private static VssWriterComponent Ntds() => new(
        EseWriters.Ntds, Instance, "NTDS", 1, "C:_Windows_NTDS", "ntds", false,
        [
            new VssFileDescription(SnapshotFileRole.Database, "%SystemRoot%\\NTDS\\", "ntds.dit", false, null, 3855),
            new VssFileDescription(SnapshotFileRole.Log, "%SystemRoot%\\NTDS", "edb*.log", false, null, 3855),
            new VssFileDescription(SnapshotFileRole.Log, "%SystemRoot%\\NTDS", "edb.chk", false, null, 3855),
        ]);

    // One Exchange mailbox database: its .edb in one folder, logs and checkpoint in another.
    private static VssWriterComponent ExchangeDatabase(string name, string alternate = "") => new(
        EseWriters.ExchangeStore, Instance, "Microsoft Exchange Writer", 1, "Microsoft Exchange Server\\Microsoft Information Store\\SERVER1", name, true,
        [
            new VssFileDescription(SnapshotFileRole.Database, $"D:\\DB\\{name}", $"{name}.edb", false, null, 0),
            new VssFileDescription(SnapshotFileRole.Log, $"E:\\Logs\\{name}", "E00*.log", false, alternate, 0),
            new VssFileDescription(SnapshotFileRole.Log, $"E:\\Logs\\{name}", "E00.chk", false, null, 0),
        ]);

    [Test]
    public void NtdsComponentMapsToTheDatabaseAndLogFolderWithExpandedPaths()
    {
        var mapped = EseWriterMapping.Map([Ntds()], expand: Expand);

        Assert.That(mapped, Has.Count.EqualTo(1));
        var c = mapped[0];
        Assert.Multiple(() =>
        {
            Assert.That(c.WriterId, Is.EqualTo(EseWriters.Ntds));
            Assert.That(c.InstanceId, Is.EqualTo(Instance));
            Assert.That(c.Key, Is.EqualTo("NTDS:C:_Windows_NTDS\\ntds"));
            Assert.That(c.IsDatabase, Is.True);
            Assert.That(c.Files.Select(f => (f.Role, f.Folder, f.FileSpec)), Is.EqualTo(new[]
            {
                (SnapshotFileRole.Database, "C:\\Windows\\NTDS", "ntds.dit"),
                (SnapshotFileRole.Log, "C:\\Windows\\NTDS", "edb*.log"),
                (SnapshotFileRole.Log, "C:\\Windows\\NTDS", "edb.chk"),
            }));
        });
    }

    [Test]
    public void EachExchangeDatabaseIsItsOwnComponentAndAlternateLocationsAreKept()
    {
        var mapped = EseWriterMapping.Map([ExchangeDatabase("DB01"), ExchangeDatabase("DB02", alternate: "F:\\Alt\\DB02\\")], expand: Expand);

        Assert.That(mapped.Select(c => c.Name), Is.EqualTo(new[] { "DB01", "DB02" }));
        Assert.That(mapped[0].Files.Select(f => f.SourceFolder), Is.EqualTo(new[] { "D:\\DB\\DB01", "E:\\Logs\\DB01", "E:\\Logs\\DB01" }));
        Assert.That(mapped[1].Files[1].SourceFolder, Is.EqualTo("F:\\Alt\\DB02"));
        Assert.That(mapped[1].Files[1].Folder, Is.EqualTo("E:\\Logs\\DB02"));
    }

    [Test]
    public void OtherWritersAndComponentsWithoutEseFilesAreLeftOut()
    {
        var registry = new VssWriterComponent(Guid.Parse("AFBAB4A2-367D-4D15-A586-71DBB18F8485"), Instance, "Registry Writer", 2, "", "Registry", false,
            [new VssFileDescription(SnapshotFileRole.Other, "C:\\Windows\\System32\\config", "*", false, null, 0)]);
        var ntdsWithoutFiles = Ntds() with { Name = "empty", Files = [new VssFileDescription(SnapshotFileRole.Other, "C:\\x", "*.txt", false, null, 0)] };

        var mapped = EseWriterMapping.Map([registry, ntdsWithoutFiles, Ntds()], expand: Expand);

        Assert.That(mapped.Select(c => c.Name), Is.EqualTo(new[] { "ntds" }));
    }

    [Test]
    public void AnExtraWriterIdIsTreatedAsAnEseWriter()
    {
        var custom = Ntds() with { WriterId = Guid.Parse("BCEDCF69-E5B4-49ED-9723-7BE9F7CD0992"), WriterName = "EseRecoveryWriter" };

        Assert.That(EseWriterMapping.Map([custom], expand: Expand), Is.Empty);
        Assert.That(EseWriterMapping.Map([custom], [custom.WriterId], Expand), Has.Count.EqualTo(1));
    }
}
