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

    [TestCase("edb0007E.log", "edb", true, 0x7EL)]
    [TestCase("edb.log", "edb", true, null)]
    [TestCase("E0000000001.log", "E00", true, 1L)]
    [TestCase("E00.log", "E00", true, null)]
    [TestCase("edbtmp.log", "edb", false, null)]
    [TestCase("res1.log", "edb", false, null)]
    [TestCase("edb00001.jrs", "edb", false, null)]
    [TestCase("edb0007E.log", "E00", false, null)]
    public void LogFileNamesAreRecognised(string name, string baseName, bool isLog, long? generation)
    {
        Assert.That(LogFileName.IsLogOf(name, baseName, out var g), Is.EqualTo(isLog));
        Assert.That(g, Is.EqualTo(generation));
    }

    [Test]
    public void GenerationFileNamesUseFiveDigitsWhenTheyFit()
    {
        Assert.That(LogFileName.Of("edb", 124), Is.EqualTo("edb0007C.log"));
        Assert.That(LogFileName.Of("E00", 0x123456), Is.EqualTo("E0000123456.log"));
    }
}
