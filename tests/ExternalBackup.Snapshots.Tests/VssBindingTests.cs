using System.Reflection;
using System.Runtime.InteropServices;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots.Tests;

public sealed class VssBindingTests
{
    [Test]
    public void BackupComponentsSlotsFollowTheSdkDeclarationOrder()
    {
        // Slot numbers as listed in the reference (mingw-w64 vsbackup.idl order; slot 5 probed live by breeze PR #3005).
        var expected = new Dictionary<string, int>
        {
            ["GetWriterComponentsCount"] = 3, ["InitializeForBackup"] = 5, ["SetBackupState"] = 6, ["GatherWriterMetadata"] = 9,
            ["GetWriterMetadataCount"] = 10, ["GetWriterMetadata"] = 11, ["FreeWriterMetadata"] = 12, ["AddComponent"] = 13,
            ["PrepareForBackup"] = 14, ["AbortBackup"] = 15, ["GatherWriterStatus"] = 16, ["GetWriterStatusCount"] = 17,
            ["FreeWriterStatus"] = 18, ["GetWriterStatus"] = 19, ["SetBackupSucceeded"] = 20, ["SaveAsXml"] = 26,
            ["BackupComplete"] = 27, ["SetContext"] = 35, ["StartSnapshotSet"] = 36, ["AddToSnapshotSet"] = 37,
            ["DoSnapshotSet"] = 38, ["DeleteSnapshots"] = 39, ["GetSnapshotProperties"] = 42, ["IsVolumeSupported"] = 44,
            ["QueryRevertStatus"] = 50,
        };

        var actual = typeof(VssSlots.BackupComponents).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => (int)f.GetValue(null)!);

        Assert.That(actual, Is.EquivalentTo(expected));
        Assert.That(VssSlots.BackupComponents.QueryRevertStatus - VssSlots.Release, Is.EqualTo(48), "48 methods follow IUnknown");
    }

    [Test]
    public void HelperInterfaceSlotsMatchTheReference()
    {
        Assert.Multiple(() =>
        {
            Assert.That((VssSlots.Async.Cancel, VssSlots.Async.Wait, VssSlots.Async.QueryStatus), Is.EqualTo((3, 4, 5)));
            Assert.That((VssSlots.ExamineWriterMetadata.GetIdentity, VssSlots.ExamineWriterMetadata.GetFileCounts, VssSlots.ExamineWriterMetadata.GetExcludeFile, VssSlots.ExamineWriterMetadata.GetComponent, VssSlots.ExamineWriterMetadata.SaveAsXml), Is.EqualTo((3, 4, 6, 7, 12)));
            Assert.That((VssSlots.WMComponent.GetComponentInfo, VssSlots.WMComponent.FreeComponentInfo, VssSlots.WMComponent.GetFile, VssSlots.WMComponent.GetDatabaseFile, VssSlots.WMComponent.GetDatabaseLogFile), Is.EqualTo((3, 4, 5, 6, 7)));
            Assert.That((VssSlots.WMFiledesc.GetPath, VssSlots.WMFiledesc.GetFilespec, VssSlots.WMFiledesc.GetRecursive, VssSlots.WMFiledesc.GetAlternateLocation, VssSlots.WMFiledesc.GetBackupTypeMask), Is.EqualTo((3, 4, 5, 6, 7)));
        });
    }

    [Test]
    public void CppBoolParametersAreOneByteAndWin32BoolIsFourBytes()
    {
        var raw = typeof(RawBackupComponents);
        Assert.Multiple(() =>
        {
            Assert.That(raw.GetMethod("SetBackupState")!.GetParameters().Where(p => p.Name != "backupType" && p.Name != "self").Select(p => p.ParameterType), Has.All.EqualTo(typeof(byte)));
            Assert.That(raw.GetMethod("SetBackupSucceeded")!.GetParameters().Single(p => p.Name == "succeeded").ParameterType, Is.EqualTo(typeof(byte)));
            Assert.That(Marshal.SizeOf<byte>(), Is.EqualTo(1));
        });
    }

    [Test]
    public void ComponentInfoLayoutMatchesTheCStructOn64Bit()
    {
        Assume.That(IntPtr.Size, Is.EqualTo(8), "layout figures below are for 64-bit processes");
        int Off(string field) => (int)Marshal.OffsetOf<VssComponentInfo>(field);
        Assert.Multiple(() =>
        {
            Assert.That(Off(nameof(VssComponentInfo.LogicalPath)), Is.EqualTo(8));
            Assert.That(Off(nameof(VssComponentInfo.Icon)), Is.EqualTo(32));
            Assert.That(Off(nameof(VssComponentInfo.IconBytes)), Is.EqualTo(40));
            Assert.That(Off(nameof(VssComponentInfo.RestoreMetadata)), Is.EqualTo(44));
            Assert.That(Off(nameof(VssComponentInfo.SelectableForRestore)), Is.EqualTo(47));
            Assert.That(Off(nameof(VssComponentInfo.ComponentFlags)), Is.EqualTo(48));
            Assert.That(Off(nameof(VssComponentInfo.DependencyCount)), Is.EqualTo(64));
            Assert.That(Marshal.SizeOf<VssComponentInfo>(), Is.EqualTo(72));
        });
    }

    [Test]
    public void SnapshotPropLayoutMatchesTheCStructOn64Bit()
    {
        Assume.That(IntPtr.Size, Is.EqualTo(8));
        int Off(string field) => (int)Marshal.OffsetOf<VssSnapshotProp>(field);
        Assert.Multiple(() =>
        {
            Assert.That(Off(nameof(VssSnapshotProp.SnapshotsCount)), Is.EqualTo(32));
            Assert.That(Off(nameof(VssSnapshotProp.SnapshotDeviceObject)), Is.EqualTo(40));
            Assert.That(Off(nameof(VssSnapshotProp.ProviderId)), Is.EqualTo(88));
            Assert.That(Off(nameof(VssSnapshotProp.CreationTimestamp)), Is.EqualTo(112));
            Assert.That(Marshal.SizeOf<VssSnapshotProp>(), Is.EqualTo(128));
        });
    }

    [TestCase(BackupKind.Full, 1)]
    [TestCase(BackupKind.Incremental, 2)]
    [TestCase(BackupKind.Differential, 3)]
    [TestCase(BackupKind.Copy, 5)]
    public void BackupKindsMapToVssBackupTypes(BackupKind kind, int vssType) => Assert.That(VssBackupTypes.Of(kind), Is.EqualTo(vssType));

    [Test]
    public void ErrorNamesAreGivenForVssCodes()
    {
        Assert.That(VssErrorNames.Of(unchecked((int)0x80042316)), Is.EqualTo("VSS_E_SNAPSHOT_SET_IN_PROGRESS"));
        Assert.That(VssErrorNames.Of(unchecked((int)0x80049999)), Is.EqualTo("0x80049999"));
    }

    [Test]
    public void OffWindowsTheProviderSaysVssIsUnavailable()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "this machine is Windows");
        var provider = new VssSnapshotProvider();

        Assert.That(provider.IsAvailable, Is.False);
        Assert.That(provider.UnavailableReason, Does.StartWith("VSS is available only on Windows"));
        var e = Assert.ThrowsAsync<SnapshotException>(async () => await provider.OpenSessionAsync(CancellationToken.None));
        Assert.That(e!.Step, Is.EqualTo(SnapshotStep.OpenSession));
        Assert.That(e.Message, Does.Contain("VSS is available only on Windows"));
    }
}
