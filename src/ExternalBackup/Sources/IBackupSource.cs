using ExternalBackup.Manifest;

namespace ExternalBackup.Sources;

/// <summary>
/// Where a set's bytes come from: the engine's stream (<see cref="Engine.EngineSource"/>), or frozen files of a folder
/// or snapshot (<see cref="Frozen.FrozenSource"/>, <see cref="Snapshot.SnapshotSource"/>). The set writer
/// (<see cref="Pipeline.BackupSetWriter"/>) calls, in this order: <see cref="BeginAsync"/>;
/// <see cref="ListDatabasesAsync"/> (full and copy only); <see cref="ListLogsAsync"/>; <see cref="Open"/> for each
/// file; after the sink committed, <see cref="AfterCommitAsync"/>; after any failure before that step completed,
/// <see cref="AbortAsync"/>. Every database a source lists must end up in the set, or the backup fails naming it.
/// </summary>
internal interface IBackupSource
{
    /// <summary>The manifest's <c>source</c>: one of <see cref="ManifestSources"/>.</summary>
    string Source { get; }

    /// <summary>The engine or provider (<c>model</c>, <c>esent.dll</c>, <c>vss</c>), or <see langword="null"/>.</summary>
    string? Producer { get; }

    /// <summary>The instance backed up, as the manifest records it (known once <see cref="BeginAsync"/> returned).</summary>
    string Instance { get; }

    /// <summary>Starts the backup at the source (the engine's backup, the snapshot; a frozen folder is planned here).</summary>
    /// <param name="kind">The backup kind.</param>
    /// <param name="extends">The set this one extends (incremental, differential), found by the set writer, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels.</param>
    ValueTask BeginAsync(BackupKind kind, SetReference? extends, CancellationToken cancellationToken);

    /// <summary>The databases of a full or copy backup, every one of them required in the set.</summary>
    ValueTask<IReadOnlyList<SourceFile>> ListDatabasesAsync(CancellationToken cancellationToken);

    /// <summary>The logs (in generation order), then the checkpoint and writer documents, after the databases were copied.</summary>
    ValueTask<SourceLogs> ListLogsAsync(CancellationToken cancellationToken);

    /// <summary>Opens a listed file.</summary>
    ISourceFileReader Open(SourceFile file);

    /// <summary>
    /// What follows a durable commit: truncation and the engine's end, or telling the writers the backup succeeded.
    /// Throws when the source could not be told (the set stays committed).
    /// </summary>
    ValueTask<AfterCommit> AfterCommitAsync(BackupManifest manifest, CancellationToken cancellationToken);

    /// <summary>Ends the source's backup as failed (engine abort, <c>AbortBackup</c>); never throws.</summary>
    ValueTask AbortAsync();
}
