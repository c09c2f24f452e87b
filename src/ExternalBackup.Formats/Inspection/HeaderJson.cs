using System.Text.Json.Nodes;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Inspection;

/// <summary>Headers as JSON objects (camelCase field names; the common keys fileType, formatVersion, formatRevision, pageSize, state, logSignature).</summary>
public static class HeaderJson
{
    /// <summary>A database header.</summary>
    public static JsonObject Database(DatabaseHeader h, HeaderCopyStatus status)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new JsonObject
        {
            ["fileType"] = h.Attributes == 0 ? "Database" : h.Attributes == 1 ? "StreamingFile" : "Unknown",
            ["fileTypeField"] = (int)h.FileType,
            ["headerStatus"] = status.ToString(),
            ["checksum"] = $"0x{h.Checksum:x8}",
            ["magic"] = $"0x{h.Magic:x8}",
            ["formatVersion"] = h.FormatVersion,
            ["formatVersionHex"] = $"0x{h.FormatVersion:x}",
            ["formatRevision"] = h.FormatRevision,
            ["formatUpdateMinor"] = h.FormatUpdateMinor,
            ["createdVersion"] = h.CreateVersion,
            ["createdRevision"] = h.CreateRevision,
            ["pageSize"] = h.PageSize,
            ["dbTime"] = h.DbTime,
            ["state"] = h.State.ToEseutilText(),
            ["stateValue"] = (int)h.State,
            ["databaseSignature"] = Signature(h.DatabaseSignature),
            ["logSignature"] = h.LogSignature.ShortHex,
            ["logSignatureDetail"] = Signature(h.LogSignature),
            ["genMinRequired"] = h.GenMinRequired,
            ["genMaxRequired"] = h.GenMaxRequired,
            ["genMaxCommitted"] = h.GenMaxCommitted,
            ["genMinConsistent"] = h.GenMinConsistent,
            ["genRecovering"] = h.GenRecovering,
            ["lastConsistent"] = Position(h.ConsistentPosition, h.ConsistentTime),
            ["lastAttach"] = Position(h.AttachPosition, h.AttachTime),
            ["lastDetach"] = Position(h.DetachPosition, h.DetachTime),
            ["dbid"] = h.DatabaseId,
            ["shadowed"] = h.IsShadowed,
            ["lastObjid"] = h.LastObjectId,
            ["repairCount"] = h.RepairCount,
            ["repairDate"] = h.RepairTime.ToString(),
            ["osVersion"] = $"{h.OsMajorVersion}.{h.OsMinorVersion}.{h.OsBuildNumber} SP {h.OsServicePack}",
            ["previousFullBackup"] = Backup(h.PreviousFullBackup, h.PreviousFullBackupType),
            ["previousIncrementalBackup"] = Backup(h.PreviousIncrementalBackup, h.PreviousIncrementalBackupType),
            ["previousCopyBackup"] = Backup(h.PreviousCopyBackup, h.PreviousCopyBackupType),
            ["previousDifferentialBackup"] = Backup(h.PreviousDifferentialBackup, h.PreviousDifferentialBackupType),
            ["currentFullBackup"] = Backup(h.CurrentFullBackup, null),
            ["currentSnapshotBackup"] = Backup(h.CurrentSnapshotBackup, null),
        };
    }

    /// <summary>A log header.</summary>
    public static JsonObject Log(LogFileHeader h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new JsonObject
        {
            ["fileType"] = "Log",
            ["fileTypeField"] = (int)h.FileType,
            ["checksum"] = $"0x{h.Checksum:x8}",
            ["generation"] = h.Generation,
            ["formatVersion"] = h.MajorVersion,
            ["formatRevision"] = h.MinorVersion,
            ["formatUpdateMajor"] = h.UpdateMajorVersion,
            ["formatUpdateMinor"] = h.UpdateMinorVersion,
            ["formatVersionText"] = h.FormatVersionText,
            ["pageSize"] = h.DatabasePageSize,
            ["state"] = null,
            ["sectorSize"] = (int)h.SectorSize,
            ["headerSectors"] = (int)h.HeaderSectors,
            ["fileSectors"] = (int)h.FileSectors,
            ["creationTime"] = h.CreateTime.ToString(),
            ["previousGenerationTime"] = h.PreviousGenerationTime.ToString(),
            ["previousGenerationSegmentChecksum"] = $"0x{h.PreviousLogSegmentChecksum:x16}",
            ["logSignature"] = h.LogSignature.ShortHex,
            ["logSignatureDetail"] = Signature(h.LogSignature),
            ["checkpointAtCreation"] = h.CheckpointAtCreation.ToString(),
            ["circularLogging"] = (h.LogFlags & 2) != 0,
            ["attachedDatabases"] = new JsonArray([.. h.AttachedDatabases.Select(a => (JsonNode)new JsonObject { ["dbid"] = a.DatabaseId, ["path"] = a.Path })]),
        };
    }

    /// <summary>A checkpoint.</summary>
    public static JsonObject Checkpoint(CheckpointHeader h, HeaderCopyStatus status)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new JsonObject
        {
            ["fileType"] = "Checkpoint",
            ["fileTypeField"] = (int)h.FileType,
            ["headerStatus"] = status.ToString(),
            ["formatVersion"] = null,
            ["formatRevision"] = null,
            ["pageSize"] = CheckpointHeader.Size,
            ["state"] = null,
            ["checkpoint"] = h.Checkpoint.ToString(),
            ["checkpointGeneration"] = h.Checkpoint.Generation,
            ["lastFullBackupCheckpoint"] = h.LastFullBackupCheckpoint.ToString(),
            ["dbConsistency"] = h.DatabaseConsistency.ToString(),
            ["fullBackup"] = Position(h.FullBackup, h.FullBackupTime),
            ["incrementalBackup"] = Position(h.IncrementalBackup, h.IncrementalBackupTime),
            ["logSignature"] = h.LogSignature.ShortHex,
            ["logSignatureDetail"] = Signature(h.LogSignature),
        };
    }

    private static JsonObject Signature(Signature s) => new()
    {
        ["random"] = s.Random,
        ["created"] = s.Created.ToString(),
        ["computer"] = s.ComputerName,
        ["text"] = s.ToString(),
    };

    private static JsonObject Position(LogPosition p, LogTime t) => new()
    {
        ["generation"] = p.Generation,
        ["sector"] = (int)p.Sector,
        ["offset"] = (int)p.ByteOffset,
        ["text"] = p.ToString(),
        ["time"] = t.ToString(),
    };

    private static JsonObject Backup(BackupInfo b, BackupInfoType? type) => new()
    {
        ["genLow"] = b.GenLow,
        ["genHigh"] = b.GenHigh,
        ["mark"] = b.Mark.ToString(),
        ["markTime"] = b.MarkTime.ToString(),
        ["type"] = type?.ToString(),
    };
}
