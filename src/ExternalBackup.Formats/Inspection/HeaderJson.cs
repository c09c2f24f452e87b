using System.Text.Json.Nodes;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Inspection;

/// <summary>
/// Headers as JSON objects in the command line's vocabulary (<c>docs/json.md</c>): camelCase field names and enum
/// values, times in ISO 8601 (a time ESE stored as UTC ends in <c>+00:00</c>; one it stored as the writer's local time has no
/// offset, as the header does not say the zone), log ranges as <c>{low, high}</c> and the manifest's names where the
/// manifest has the same fact (<c>requiredLogLow</c>, <c>requiredLogHigh</c>); the common keys fileType,
/// formatVersion, formatRevision, pageSize, state, logSignature.
/// </summary>
public static class HeaderJson
{
    /// <summary>A database header.</summary>
    public static JsonObject Database(DatabaseHeader h, HeaderCopyStatus status)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new JsonObject
        {
            ["fileType"] = h.Attributes == 0 ? "database" : h.Attributes == 1 ? "streamingFile" : "unknown",
            ["fileTypeField"] = (int)h.FileType,
            ["headerStatus"] = Name(status.ToString()),
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
            ["state"] = Name(h.State.ToString()),
            ["stateValue"] = (int)h.State,
            ["databaseSignature"] = Signature(h.DatabaseSignature),
            ["logSignature"] = h.LogSignature.ShortHex,
            ["logSignatureDetail"] = Signature(h.LogSignature),
            ["requiredLogLow"] = h.GenMinRequired,
            ["requiredLogHigh"] = h.GenMaxRequired,
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
            ["repairDate"] = Time(h.RepairTime),
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
            ["fileType"] = "log",
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
            ["creationTime"] = Time(h.CreateTime),
            ["previousGenerationTime"] = Time(h.PreviousGenerationTime),
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
            ["fileType"] = "checkpoint",
            ["fileTypeField"] = (int)h.FileType,
            ["headerStatus"] = Name(status.ToString()),
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
        ["created"] = Time(s.Created),
        ["computer"] = s.ComputerName,
    };

    private static JsonObject Position(LogPosition p, LogTime t) => new()
    {
        ["generation"] = p.Generation,
        ["sector"] = (int)p.Sector,
        ["offset"] = (int)p.ByteOffset,
        ["text"] = p.ToString(),
        ["time"] = Time(t),
    };

    private static JsonObject Backup(BackupInfo b, BackupInfoType? type) => new()
    {
        ["logGenerations"] = new JsonObject { ["low"] = b.GenLow, ["high"] = b.GenHigh },
        ["mark"] = b.Mark.ToString(),
        ["markTime"] = Time(b.MarkTime),
        ["type"] = type is { } t ? Name(t.ToString()) : null,
    };

    /// <summary>
    /// ISO 8601: <c>2014-06-08T09:35:13.000+00:00</c> for a UTC time (the manifest's form), <c>2014-06-08T09:35:13.000</c> (no offset) for a
    /// time the writer stored in its own zone; <see langword="null"/> when unset or not a date.
    /// </summary>
    public static string? Time(LogTime time) => time.ToDateTime() is { } t
        ? t.ToString(time.IsUtc ? "yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'" : "yyyy-MM-dd'T'HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)
        : null;

    private static string Name(string value) => value.Length == 0 ? value : char.ToLowerInvariant(value[0]) + value[1..];
}
