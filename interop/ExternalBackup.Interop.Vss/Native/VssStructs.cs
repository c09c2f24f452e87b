using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Vss.Native;

/// <summary>VSS_SNAPSHOT_PROP (free its strings with <see cref="VssApi.VssFreeSnapshotPropertiesInternal"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct VssSnapshotProp
{
    /// <summary>m_SnapshotId.</summary>
    public Guid SnapshotId;
    /// <summary>m_SnapshotSetId.</summary>
    public Guid SnapshotSetId;
    /// <summary>m_lSnapshotsCount.</summary>
    public int SnapshotsCount;
    /// <summary>m_pwszSnapshotDeviceObject: where the snapshot is read (<c>\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN</c>).</summary>
    public IntPtr SnapshotDeviceObject;
    /// <summary>m_pwszOriginalVolumeName.</summary>
    public IntPtr OriginalVolumeName;
    /// <summary>m_pwszOriginatingMachine.</summary>
    public IntPtr OriginatingMachine;
    /// <summary>m_pwszServiceMachine.</summary>
    public IntPtr ServiceMachine;
    /// <summary>m_pwszExposedName.</summary>
    public IntPtr ExposedName;
    /// <summary>m_pwszExposedPath.</summary>
    public IntPtr ExposedPath;
    /// <summary>m_ProviderId.</summary>
    public Guid ProviderId;
    /// <summary>m_lSnapshotAttributes.</summary>
    public int SnapshotAttributes;
    /// <summary>m_tsCreationTimestamp (FILETIME units).</summary>
    public long CreationTimestamp;
    /// <summary>m_eStatus (VSS_SNAPSHOT_STATE).</summary>
    public int Status;
}

/// <summary>VSS_COMPONENTINFO (free with IVssWMComponent::FreeComponentInfo). Its four flags are C++ bool (1 byte each).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct VssComponentInfo
{
    /// <summary>type (VSS_COMPONENT_TYPE).</summary>
    public int Type;
    /// <summary>bstrLogicalPath.</summary>
    public IntPtr LogicalPath;
    /// <summary>bstrComponentName.</summary>
    public IntPtr ComponentName;
    /// <summary>bstrCaption.</summary>
    public IntPtr Caption;
    /// <summary>pbIcon.</summary>
    public IntPtr Icon;
    /// <summary>cbIcon.</summary>
    public uint IconBytes;
    /// <summary>bRestoreMetadata (C++ bool).</summary>
    public byte RestoreMetadata;
    /// <summary>bNotifyOnBackupComplete (C++ bool).</summary>
    public byte NotifyOnBackupComplete;
    /// <summary>bSelectable (C++ bool).</summary>
    public byte Selectable;
    /// <summary>bSelectableForRestore (C++ bool).</summary>
    public byte SelectableForRestore;
    /// <summary>dwComponentFlags.</summary>
    public uint ComponentFlags;
    /// <summary>cFileCount.</summary>
    public uint FileCount;
    /// <summary>cDatabases.</summary>
    public uint DatabaseCount;
    /// <summary>cLogFiles.</summary>
    public uint LogFileCount;
    /// <summary>cDependencies.</summary>
    public uint DependencyCount;
}
