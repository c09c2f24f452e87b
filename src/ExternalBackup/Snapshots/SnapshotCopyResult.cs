using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>What a snapshot copy wrote, all of it verified.</summary>
public sealed record SnapshotCopyResult
{
    /// <summary>Every file written, in order.</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Header facts of every database written.</summary>
    public IReadOnlyList<ManifestDatabase> Databases { get; init; } = [];

    /// <summary>The log generations written, or <see langword="null"/> when none.</summary>
    public LogGenerationRange? LogGenerations { get; init; }

    /// <summary>The log base name (<c>edb</c>), when logs were written.</summary>
    public string? LogBaseName { get; init; }

    /// <summary>The log signature of the logs written (or of the databases when no log was), or <see langword="null"/> when unknown or several.</summary>
    public string? LogSignature { get; init; }

    /// <summary>The identity of every database written, from its header.</summary>
    public IReadOnlyList<DatabaseIdentity> DatabaseIdentities { get; init; } = [];

    /// <summary>Keys (<see cref="SnapshotComponent.Key"/>) of the components copied completely and verified.</summary>
    public IReadOnlyList<string> VerifiedComponents { get; init; } = [];

    /// <summary>Builds the manifest of the set.</summary>
    /// <param name="setId">The set's name.</param>
    /// <param name="kind">The backup kind.</param>
    /// <param name="startedUtc">When the backup began.</param>
    /// <param name="completedUtc">When it is committed.</param>
    /// <param name="instance">The instance or folder backed up.</param>
    /// <param name="source">What produced the bytes (e.g. <c>snapshot:vss</c>, <c>frozen-folder</c>).</param>
    /// <param name="truncatesLogs">Whether the writers are told to truncate (only full and incremental over a provider).</param>
    /// <param name="extends">The set this one extends, or <see langword="null"/>.</param>
    public BackupManifest ToManifest(string setId, BackupKind kind, DateTimeOffset startedUtc, DateTimeOffset completedUtc, string instance, string source, bool truncatesLogs, SetReference? extends = null) => new()
    {
        SetId = setId,
        Kind = kind,
        StartedUtc = startedUtc,
        CompletedUtc = completedUtc,
        Instance = instance,
        Source = source,
        LogGenerations = LogGenerations,
        LogBaseName = LogBaseName,
        TruncatesLogs = truncatesLogs && kind.TruncatesLogs(),
        Extends = extends,
        Identity = new SetIdentity { Instance = instance, LogSignature = LogSignature, Databases = DatabaseIdentities },
        Files = Files,
        Databases = Databases,
    };
}
