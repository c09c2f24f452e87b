using System.Text.Json.Serialization;

namespace ExternalBackup.Manifest;

/// <summary>
/// The record of one committed backup set (<c>manifest.json</c>), documented in <c>docs/manifest.md</c>.
/// Written last: a set without its manifest is not a backup.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The format version this library writes (2: one layout for every source, counts, ECC corrections). Readers also read 1.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The file name of the manifest inside a set.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Format version of this manifest.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The set's name, unique in its destination.</summary>
    public required string SetId { get; init; }

    /// <summary>Full, incremental, copy or differential.</summary>
    public required BackupKind Kind { get; init; }

    /// <summary>When the backup began.</summary>
    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>When the set was committed.</summary>
    public required DateTimeOffset CompletedUtc { get; init; }

    /// <summary>The instance backed up.</summary>
    public required string Instance { get; init; }

    /// <summary>What kind of source produced the bytes: one of <see cref="ManifestSources"/> (<c>engine</c>, <c>frozen-folder</c>, <c>snapshot</c>).</summary>
    public required string Source { get; init; }

    /// <summary>Which engine or provider it was (e.g. <c>model</c>, <c>esent.dll</c>, <c>vss</c>); <see langword="null"/> for a frozen folder.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Producer { get; init; }

    /// <summary>The log generations in the set, inclusive; <see langword="null"/> when it holds no logs.</summary>
    public LogGenerationRange? LogGenerations { get; init; }

    /// <summary>The three-letter log base name (<c>edb</c>).</summary>
    public string? LogBaseName { get; init; }

    /// <summary>Whether the engine was asked to truncate its logs after this set was committed.</summary>
    public bool TruncatesLogs { get; init; }

    /// <summary>The set this one extends (incremental and differential), or <see langword="null"/>.</summary>
    public SetReference? Extends { get; init; }

    /// <summary>Who the set belongs to (format 2); <see langword="null"/> in format 1 sets.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SetIdentity? Identity { get; init; }

    /// <summary>Every file of the set.</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Database facts read from headers (page size, state), when known.</summary>
    public IReadOnlyList<ManifestDatabase> Databases { get; init; } = [];

    /// <summary>How many files of each kind and how many bytes the set holds (format 2; <see langword="null"/> in format 1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SetCounts? Counts { get; init; }

    /// <summary>Single-bit errors corrected in the copy (format 2): the stored page or log segment is the corrected one.</summary>
    public IReadOnlyList<EccCorrection> EccCorrections { get; init; } = [];

    /// <summary>Files the source left out by rule (a VSS writer's exclude files), each with the rule; <see langword="null"/> (not written) when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ManifestExclusion>? Excluded { get; init; }
}

/// <summary>A file left out of a set by rule, never silently.</summary>
/// <param name="SourcePath">The file as the source saw it (inside the snapshot).</param>
/// <param name="Reason">The rule that left it out (e.g. <c>writer 'NTDS' excludes C:\Windows\NTDS\*.tmp</c>).</param>
public sealed record ManifestExclusion(string SourcePath, string Reason);

/// <summary>What a set holds, counted by the writer from the files it stored.</summary>
/// <param name="Databases">Files of kind database.</param>
/// <param name="Logs">Files of kind log.</param>
/// <param name="Checkpoints">Files of kind checkpoint.</param>
/// <param name="Documents">Files of kind other (writer documents).</param>
/// <param name="Bytes">Bytes of every file together.</param>
public sealed record SetCounts(int Databases, int Logs, int Checkpoints, int Documents, long Bytes)
{
    /// <summary>Files left out by rule (<see cref="BackupManifest.Excluded"/>); 0 (not written) when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Excluded { get; init; }

    /// <summary>Counts <paramref name="files"/>.</summary>
    public static SetCounts Of(IReadOnlyCollection<ManifestFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new(
            files.Count(f => f.Kind == BackupFileKind.Database),
            files.Count(f => f.Kind == BackupFileKind.Log),
            files.Count(f => f.Kind == BackupFileKind.Checkpoint),
            files.Count(f => f.Kind == BackupFileKind.Other),
            files.Sum(f => f.Bytes));
    }
}

/// <summary>A single-bit error found and corrected while copying: the set holds the corrected bytes.</summary>
/// <param name="Path">The file's path inside the set.</param>
/// <param name="Page">The database page number, or the log segment (sector) index.</param>
/// <param name="Offset">The byte offset in the file of the corrected byte.</param>
/// <param name="Bit">The bit (0..7) of that byte that was flipped back.</param>
public sealed record EccCorrection(string Path, long Page, long Offset, int Bit);

/// <summary>An inclusive range of log generations.</summary>
/// <param name="Low">The lowest generation.</param>
/// <param name="High">The highest generation.</param>
public sealed record LogGenerationRange(long Low, long High);

/// <summary>A reference from one set to the one it extends.</summary>
/// <param name="SetId">The extended set.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="LogGenerationHigh">Its highest log generation.</param>
/// <param name="LogSignature">Its identity's log signature (format 2; <see langword="null"/> when unknown).</param>
public sealed record SetReference(string SetId, BackupKind Kind, long? LogGenerationHigh, string? LogSignature = null);

/// <summary>A file of a set.</summary>
public sealed record ManifestFile
{
    /// <summary>Path inside the set, '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>What the file is.</summary>
    public required BackupFileKind Kind { get; init; }

    /// <summary>Length in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>Lower-case hex SHA-256.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Where it was read from on the protected machine.</summary>
    public string? SourcePath { get; init; }

    /// <summary>For logs, the generation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Generation { get; init; }
}

/// <summary>Header facts of a database in a set.</summary>
public sealed record ManifestDatabase
{
    /// <summary>Path of the database file inside the set.</summary>
    public required string Path { get; init; }

    /// <summary>Page size in bytes.</summary>
    public int? PageSize { get; init; }

    /// <summary>The database state from its header (e.g. <c>CleanShutdown</c>, <c>DirtyShutdown</c>).</summary>
    public string? State { get; init; }

    /// <summary>The log signature from its header, hex.</summary>
    public string? LogSignature { get; init; }

    /// <summary>Lowest log generation the database requires, 0 when clean.</summary>
    public long? RequiredLogLow { get; init; }

    /// <summary>Highest log generation the database requires, 0 when clean.</summary>
    public long? RequiredLogHigh { get; init; }

    /// <summary>Whether the file is an engine stream with a trailer page after the data pages.</summary>
    public bool HasTrailerPage { get; init; }
}
