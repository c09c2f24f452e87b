using System.Globalization;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Inspection;

/// <summary>Writes headers with eseutil's field labels (<c>/mh</c> for databases, <c>/ml</c> for logs, <c>/mk</c> for checkpoints).</summary>
public static class EseutilHeaderText
{
    /// <summary>The database header in <c>eseutil /mh</c> form.</summary>
    public static void WriteDatabase(TextWriter w, string path, DatabaseHeader h, HeaderCopyStatus status, uint computedChecksum)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(h);
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(ci, $"         Database: {path}"));
        w.WriteLine();
        w.WriteLine("DATABASE HEADER:");
        w.WriteLine("Checksum Information:");
        w.WriteLine(string.Create(ci, $"Expected Checksum: 0x{h.Checksum:x8}"));
        w.WriteLine(string.Create(ci, $"  Actual Checksum: 0x{computedChecksum:x8}"));
        w.WriteLine();
        w.WriteLine("Fields:");
        w.WriteLine(string.Create(ci, $"        File Type: {(h.Attributes == 0 ? "Database" : "UNKNOWN")}"));
        w.WriteLine(string.Create(ci, $"         Checksum: 0x{h.Checksum:x}"));
        w.WriteLine(string.Create(ci, $"   Format ulMagic: 0x{h.Magic:x}"));
        w.WriteLine(string.Create(ci, $"   Engine ulMagic: 0x{DatabaseHeader.DatabaseMagic:x}"));
        w.WriteLine(string.Create(ci, $" Format ulVersion: 0x{h.FormatVersion:x},{h.FormatRevision},{h.FormatUpdateMinor}  (attached by {h.EngineFormatVersionDiagnostic})"));
        w.WriteLine(string.Create(ci, $"Created ulVersion: 0x{h.CreateVersion:x},{h.CreateRevision}"));
        w.WriteLine(string.Create(ci, $"     DB Signature: {h.DatabaseSignature}"));
        w.WriteLine(string.Create(ci, $"         cbDbPage: {h.PageSize}"));
        w.WriteLine(string.Create(ci, $"           dbtime: {h.DbTime} (0x{h.DbTime:x})"));
        w.WriteLine(string.Create(ci, $"            State: {h.State.ToEseutilText()}"));
        w.WriteLine(string.Create(ci, $"     Log Required: {h.GenMinRequired}-{h.GenMaxRequired} (0x{h.GenMinRequired:x}-0x{h.GenMaxRequired:x}) [Min. Req. Pre-Redo: {h.GenPreRedoMinRequired} (0x{h.GenPreRedoMinRequired:x})]"));
        w.WriteLine(string.Create(ci, $"Gen. Max. Req. Creation Time: {h.GenMaxRequiredTime}"));
        w.WriteLine(string.Create(ci, $"    Log Committed: 0-{h.GenMaxCommitted} (0x0-0x{h.GenMaxCommitted:x})"));
        w.WriteLine(string.Create(ci, $"Gen. Max. Com. Creation Time: {h.GenMaxCreateTime}"));
        w.WriteLine(string.Create(ci, $"   Log Consistent: {h.GenMinConsistent} (0x{h.GenMinConsistent:x}) [Pre-Redo: {h.GenPreRedoMinConsistent} (0x{h.GenPreRedoMinConsistent:x})]"));
        w.WriteLine(string.Create(ci, $"   Log Recovering: {h.GenRecovering} (0x{h.GenRecovering:x})"));
        w.WriteLine(string.Create(ci, $"         Shadowed: {(h.IsShadowed ? "Yes" : "No")}"));
        w.WriteLine(string.Create(ci, $"       Last Objid: {h.LastObjectId}"));
        w.WriteLine(string.Create(ci, $"     Scrub Dbtime: {h.ScrubDbTime} (0x{h.ScrubDbTime:x})"));
        w.WriteLine(string.Create(ci, $"       Scrub Date: {h.ScrubTime}"));
        w.WriteLine(string.Create(ci, $"     Repair Count: {h.RepairCount}"));
        w.WriteLine(string.Create(ci, $"      Repair Date: {h.RepairTime}"));
        w.WriteLine(string.Create(ci, $" Old Repair Count: {h.OldRepairCount}"));
        w.WriteLine(string.Create(ci, $"  Last Consistent: {h.ConsistentPosition}  {h.ConsistentTime}"));
        w.WriteLine(string.Create(ci, $"      Last Attach: {h.AttachPosition}  {h.AttachTime}"));
        w.WriteLine(string.Create(ci, $"      Last Detach: {h.DetachPosition}  {h.DetachTime}"));
        w.WriteLine(string.Create(ci, $"    Last ReAttach: {h.LastReAttachPosition}  {h.LastReAttachTime}"));
        w.WriteLine(string.Create(ci, $"             Dbid: {(short)h.DatabaseId}"));
        w.WriteLine(string.Create(ci, $"    Log Signature: {h.LogSignature}"));
        w.WriteLine(string.Create(ci, $"       OS Version: ({h.OsMajorVersion}.{h.OsMinorVersion}.{h.OsBuildNumber} SP {h.OsServicePack} NLS {h.SortVersion >> 32:x}.{h.SortVersion & 0xFFFFFFFF:x})"));
        w.WriteLine();
        WriteBackup(w, "Previous Full Backup:", h.PreviousFullBackup, h.PreviousFullBackupType);
        WriteBackup(w, "Previous Incremental Backup:", h.PreviousIncrementalBackup, h.PreviousIncrementalBackupType);
        WriteBackup(w, "Previous Copy Backup:", h.PreviousCopyBackup, h.PreviousCopyBackupType);
        WriteBackup(w, "Previous Differential Backup:", h.PreviousDifferentialBackup, h.PreviousDifferentialBackupType);
        WriteBackup(w, "Current Full Backup:", h.CurrentFullBackup, null);
        WriteBackup(w, "Current Shadow copy backup:", h.CurrentSnapshotBackup, null);
        w.WriteLine();
        w.WriteLine(string.Create(ci, $"     cpgUpgrade55Format: {h.CpgUpgrade55Format}"));
        w.WriteLine(string.Create(ci, $"    cpgUpgradeFreePages: {h.CpgUpgradeFreePages}"));
        w.WriteLine(string.Create(ci, $"cpgUpgradeSpaceMapPages: {h.CpgUpgradeSpaceMapPages}"));
        w.WriteLine();
        w.WriteLine(string.Create(ci, $"      Last Resize: {h.LastResizePosition}"));
        w.WriteLine(string.Create(ci, $"     Extend Count: {h.ExtendCount}"));
        w.WriteLine(string.Create(ci, $"      Extend Date: {h.LastExtendTime}"));
        w.WriteLine(string.Create(ci, $"     Shrink Count: {h.ShrinkCount}"));
        w.WriteLine(string.Create(ci, $"      Shrink Date: {h.LastShrinkTime}"));
        w.WriteLine(string.Create(ci, $"       Trim Count: {h.TrimCount}"));
        w.WriteLine(string.Create(ci, $"ECC Fix Success Count: {Count(h.EccFixSuccessCount, h.EccFixSuccessTime)}"));
        w.WriteLine(string.Create(ci, $"  ECC Fix Error Count: {Count(h.EccFixFailCount, h.EccFixFailTime)}"));
        w.WriteLine(string.Create(ci, $"Bad Checksum Error Count: {Count(h.BadChecksumCount, h.BadChecksumTime)}"));
        w.WriteLine(string.Create(ci, $"  Database Header Flush Signature: {h.HeaderFlushSignature}"));
        w.WriteLine(string.Create(ci, $" Flush Map Header Flush Signature: {h.FlushMapHeaderFlushSignature}"));
        if (status != HeaderCopyStatus.BothValid)
        {
            w.WriteLine();
            w.WriteLine("WARNING: " + status switch
            {
                HeaderCopyStatus.PrimaryBad => "primary header has a checksum error; the shadow header is shown",
                HeaderCopyStatus.ShadowBad => "shadow header has a checksum error",
                HeaderCopyStatus.BothValidDifferent => "primary header and shadow header are not identical",
                _ => "both headers are bad",
            });
        }
    }

    /// <summary>The log header in <c>eseutil /ml</c> form.</summary>
    public static void WriteLog(TextWriter w, string path, LogFileHeader h)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(h);
        var ci = CultureInfo.InvariantCulture;
        var name = LogFileName.TryParse(path);
        w.WriteLine(string.Create(ci, $"      Base name: {name?.BaseName}"));
        w.WriteLine(string.Create(ci, $"      Log file: {path}"));
        w.WriteLine(string.Create(ci, $"      lGeneration: {h.Generation} (0x{h.Generation:X})"));
        w.WriteLine(string.Create(ci, $"      creation time: {h.CreateTime}"));
        w.WriteLine(string.Create(ci, $"      prev gen time: {h.PreviousGenerationTime}"));
        w.WriteLine(string.Create(ci, $"      prev gen accumulated segment checksum: 0x{h.PreviousLogSegmentChecksum:x16}"));
        w.WriteLine(string.Create(ci, $"      Format LGVersion: ({h.FormatVersionText}) (generated by {h.EngineFormatVersionDiagnostic})"));
        w.WriteLine(string.Create(ci, $"      Signature: {h.LogSignature}"));
        w.WriteLine(string.Create(ci, $"      Env Log Sec size: {h.SectorSize}"));
        w.WriteLine(string.Create(ci, $"      Header sectors: {h.HeaderSectors}, file sectors: {h.FileSectors} ({h.DeclaredFileSize} bytes)"));
        w.WriteLine(string.Create(ci, $"      Database page size: {h.DatabasePageSize}"));
        w.WriteLine(string.Create(ci, $"      Using Reserved Log File: {((h.LogFlags & 1) != 0 ? "true" : "false")}"));
        w.WriteLine(string.Create(ci, $"      Circular Logging Flag (current file): {((h.LogFlags & 2) != 0 ? "on" : "off")}"));
        w.WriteLine(string.Create(ci, $"      Circular Logging Flag (past files): {((h.LogFlags & 4) != 0 ? "on" : "off")}"));
        w.WriteLine(string.Create(ci, $"      Checkpoint at log creation time: {h.CheckpointAtCreation}"));
        foreach (var a in h.AttachedDatabases)
        {
            w.WriteLine(string.Create(ci, $"      {a.DatabaseId} {a.Path}"));
            w.WriteLine(string.Create(ci, $"        dbtime: {a.DbTime} objidLast: {a.LastObjectId} Signature: {a.DatabaseSignature} MaxDbSize: {a.MaxPages} pages"));
            w.WriteLine(string.Create(ci, $"        Last Attach: {a.AttachPosition} Last Consistent: {a.ConsistentPosition}"));
        }
    }

    /// <summary>The checkpoint in <c>eseutil /mk</c> form.</summary>
    public static void WriteCheckpoint(TextWriter w, string path, CheckpointHeader h, HeaderCopyStatus status)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(h);
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(ci, $"      Checkpoint file: {path}"));
        w.WriteLine();
        w.WriteLine(string.Create(ci, $"      LastFullBackupCheckpoint: {h.LastFullBackupCheckpoint}"));
        w.WriteLine(string.Create(ci, $"      Checkpoint: {h.Checkpoint}"));
        w.WriteLine(string.Create(ci, $"      DbConsistency: {h.DatabaseConsistency}"));
        w.WriteLine(string.Create(ci, $"      FullBackup: {h.FullBackup}"));
        w.WriteLine(string.Create(ci, $"      FullBackup time: {h.FullBackupTime}"));
        w.WriteLine(string.Create(ci, $"      IncBackup: {h.IncrementalBackup}"));
        w.WriteLine(string.Create(ci, $"      IncBackup time: {h.IncrementalBackupTime}"));
        w.WriteLine(string.Create(ci, $"      Signature: {h.LogSignature}"));
        foreach (var a in h.AttachedDatabases)
        {
            w.WriteLine(string.Create(ci, $"      {a.DatabaseId} {a.Path}"));
        }

        if (status != HeaderCopyStatus.BothValid)
        {
            w.WriteLine(string.Create(ci, $"WARNING: checkpoint copies: {status}"));
        }
    }

    private static void WriteBackup(TextWriter w, string title, BackupInfo b, BackupInfoType? type)
    {
        var ci = CultureInfo.InvariantCulture;
        var suffix = b.IsZero || type is null or BackupInfoType.Normal ? string.Empty
            : type == BackupInfoType.OsSnapshot ? " - OSSnapshot" : type == BackupInfoType.Snapshot ? " - Snapshot" : " - UNKNOWN";
        w.WriteLine(title);
        w.WriteLine(string.Create(ci, $"        Log Gen: {b.GenLow}-{b.GenHigh} (0x{b.GenLow:x}-0x{b.GenHigh:x}){suffix}"));
        w.WriteLine(string.Create(ci, $"           Mark: {b.Mark}"));
        w.WriteLine(string.Create(ci, $"           Mark: {b.MarkTime}"));
        w.WriteLine();
    }

    private static string Count(uint count, LogTime time) =>
        count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"found ({count}) {time}");
}
