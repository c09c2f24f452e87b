using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Manifest;

namespace ExternalBackup.Interop.Vss;

/// <summary>The VSS_BACKUP_TYPE declared for each <see cref="BackupKind"/>: ESE writers truncate their logs only for FULL and INCREMENTAL.</summary>
public static class VssBackupTypes
{
    /// <summary>VSS_BT_FULL, VSS_BT_INCREMENTAL, VSS_BT_COPY or VSS_BT_DIFFERENTIAL.</summary>
    public static int Of(BackupKind kind) => kind switch
    {
        BackupKind.Full => VssConstants.BackupTypeFull,
        BackupKind.Incremental => VssConstants.BackupTypeIncremental,
        BackupKind.Copy => VssConstants.BackupTypeCopy,
        BackupKind.Differential => VssConstants.BackupTypeDifferential,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown backup kind"),
    };
}
