using System.Text.Json.Serialization;

namespace ExternalBackup.Restore;

/// <summary>
/// What a restore wrote (<c>restore.json</c> in the target folder): the inputs of <c>JetExternalRestore2</c>
/// (the database map, the log folder and generation range, the base name) for the engine's hard recovery, once per
/// log stream in <see cref="LogStreams"/>. The top-level log fields describe the only stream of a set of one
/// component; with several components (a snapshot set's <c>logs/&lt;component&gt;/</c>) they are
/// <see langword="null"/> (the log folder is the <c>logs</c> root) and each stream is recovered on its own.
/// </summary>
public sealed record RestorePlan
{
    /// <summary>The file name in the target folder.</summary>
    public const string FileName = "restore.json";

    /// <summary>The sets restored, oldest first.</summary>
    public required IReadOnlyList<string> Sets { get; init; }

    /// <summary>The kind of each set restored, in the order of <see cref="Sets"/>.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>The instance the sets were taken from.</summary>
    public string? Instance { get; init; }

    /// <summary>What produced the full set (<c>model</c>, <c>esent.dll</c>, <c>snapshot</c>).</summary>
    public string? Source { get; init; }

    /// <summary>The restored checkpoint file, when the full set has one (snapshot sets); <see langword="null"/> for streamed sets.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The folder of the restored checkpoint (<c>szCheckpointFilePath</c>), or <see langword="null"/>.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Folder of the restored logs (<c>szBackupLogPath</c>).</summary>
    public required string LogFolder { get; init; }

    /// <summary>The three-letter log base name (<c>JET_LOGINFO.szBaseName</c>).</summary>
    public string? LogBaseName { get; init; }

    /// <summary>First log generation (<c>JET_LOGINFO.ulGenLow</c>).</summary>
    public long? GenLow { get; init; }

    /// <summary>Last log generation (<c>JET_LOGINFO.ulGenHigh</c>).</summary>
    public long? GenHigh { get; init; }

    /// <summary>Each database: original path → restored path (<c>JET_RSTMAP</c>).</summary>
    public required IReadOnlyList<RestoredDatabase> Databases { get; init; }

    /// <summary>Each log stream with its databases: one <c>JetExternalRestore2</c> call each (one entry per component).</summary>
    public IReadOnlyList<RestoredLogStream> LogStreams { get; init; } = [];

    /// <summary>
    /// The restored writer documents (a snapshot set's Backup Components Document and writer metadata, which a VSS
    /// restore passes to <c>InitializeForRestore</c>): the full set's under <c>documents/</c>, each later set's under
    /// <c>documents/&lt;set id&gt;/</c>; empty when the sets hold none.
    /// </summary>
    public IReadOnlyList<string> Documents { get; init; } = [];

    /// <summary>The restored other files of the snapshot components (VSS: <c>GetFile</c>), under <c>files/</c>; empty when the full set holds none.</summary>
    public IReadOnlyList<string> ComponentFiles { get; init; } = [];
}

/// <summary>A restored database.</summary>
/// <param name="OriginalPath">Where it lived (<c>szDatabaseName</c>).</param>
/// <param name="RestoredPath">Where it is now (<c>szNewDatabaseName</c>).</param>
/// <param name="Sha256">Its verified SHA-256.</param>
/// <param name="StreamedByEngine">Whether the file is an engine stream (header copies, pages, trailer) that needs the engine's hard recovery.</param>
public sealed record RestoredDatabase(
    string OriginalPath,
    string RestoredPath,
    string Sha256,
    [property: JsonPropertyName("streamedByEngine")] bool StreamedByEngine);
