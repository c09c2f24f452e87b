using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Esent;

/// <summary>One database of an external restore (<c>JET_RSTMAP_W</c>): its original path and where its copy now is.</summary>
/// <param name="DatabaseName">The path the database had when it was backed up.</param>
/// <param name="NewDatabaseName">The path of the restored copy (the file must already be there).</param>
public sealed record RestoreMapping(string DatabaseName, string NewDatabaseName);

/// <summary>The arguments of <c>JetExternalRestore2W</c> (reference §2.4, §5.12).</summary>
public sealed record ExternalRestoreRequest
{
    /// <summary>szCheckpointFilePath: folder for the checkpoint of the temporary restore instance.</summary>
    public required string CheckpointPath { get; init; }

    /// <summary>szLogPath: folder of the instance's current logs.</summary>
    public required string LogPath { get; init; }

    /// <summary>rgrstmap/crstfilemap. Default: none.</summary>
    public IReadOnlyList<RestoreMapping> Mappings { get; init; } = [];

    /// <summary>szBackupLogPath: folder holding the backed-up logs.</summary>
    public required string BackupLogPath { get; init; }

    /// <summary>pLogInfo: the generation range and base name recorded by the backup (<c>JET_LOGINFO_W</c>).</summary>
    public required JetLogInfo LogInfo { get; init; }

    /// <summary>szTargetInstanceName. Default <see langword="null"/>.</summary>
    public string? TargetInstanceName { get; init; }

    /// <summary>szTargetInstanceLogPath. Default <see langword="null"/> (give it together with <see cref="TargetInstanceCheckpointPath"/>).</summary>
    public string? TargetInstanceLogPath { get; init; }

    /// <summary>szTargetInstanceCheckpointPath. Default <see langword="null"/>. The reference (§5.12) notes the engine may swap it with the log path: pass the same folder for both.</summary>
    public string? TargetInstanceCheckpointPath { get; init; }

    /// <summary>pfn: restore progress. Default <see langword="null"/>.</summary>
    public JetStatusCallback? StatusCallback { get; init; }
}
