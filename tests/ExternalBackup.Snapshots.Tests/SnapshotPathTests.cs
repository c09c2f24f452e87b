namespace ExternalBackup.Snapshots.Tests;

public sealed class SnapshotPathTests
{
    [Test]
    public void LivePathsMapIntoTheSnapshotDeviceOfTheirVolume()
    {
        var map = new SnapshotPathMap();
        map.Add("C:\\", @"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7");
        map.Add("C:\\Mount\\Data\\", @"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy8");

        Assert.Multiple(() =>
        {
            Assert.That(map.Map(@"C:\Windows\NTDS"), Is.EqualTo(@"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7\Windows\NTDS"));
            Assert.That(map.Map(@"c:\windows\ntds"), Is.EqualTo(@"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7\windows\ntds"));
            Assert.That(map.Map(@"C:\Mount\Data\DB01"), Is.EqualTo(@"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy8\DB01"), "the longest volume prefix wins");
            Assert.That(map.Map(@"C:\Mount\Data"), Is.EqualTo(@"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy8"));
        });
        var e = Assert.Throws<InvalidOperationException>(() => map.Map(@"D:\Exchange\DB01"));
        Assert.That(e!.Message, Does.Contain(@"D:\Exchange\DB01"));
    }
}
