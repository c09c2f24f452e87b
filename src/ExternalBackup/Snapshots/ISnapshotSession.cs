using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>
/// One snapshot backup, step by step (VSS: one <c>IVssBackupComponents</c>). Methods are called in the order they
/// are declared; <see cref="SnapshotBackupCoordinator"/> is the one caller and enforces the rules: after any
/// failure once the snapshot set is started, <see cref="AbortBackupAsync"/>; <see cref="BackupCompleteAsync"/>
/// only after the sink committed a verified set; <see cref="IAsyncDisposable.DisposeAsync"/> always, which
/// releases the snapshots. Every failing call throws <see cref="SnapshotException"/> naming its step.
/// </summary>
public interface ISnapshotSession : IAsyncDisposable
{
    /// <summary>Initializes for a backup of <paramref name="kind"/> in component mode (VSS: <c>InitializeForBackup</c>, <c>SetContext(VSS_CTX_BACKUP)</c>, <c>SetBackupState(true, false, type, false)</c>).</summary>
    ValueTask InitializeAsync(BackupKind kind, CancellationToken cancellationToken);

    /// <summary>Asks the writers for their metadata and returns their components holding ESE files (VSS: <c>GatherWriterMetadata</c>, waited for, then examined).</summary>
    ValueTask<IReadOnlyList<SnapshotComponent>> GatherComponentsAsync(CancellationToken cancellationToken);

    /// <summary>Selects <paramref name="component"/> for backup (VSS: <c>AddComponent</c>).</summary>
    ValueTask AddComponentAsync(SnapshotComponent component, CancellationToken cancellationToken);

    /// <summary>The volume holding <paramref name="path"/>, in the form <see cref="AddVolumeAsync"/> takes (VSS: <c>GetVolumePathName</c>, with a trailing separator).</summary>
    string VolumeOf(string path);

    /// <summary>Starts the snapshot set (VSS: <c>StartSnapshotSet</c>).</summary>
    ValueTask StartSnapshotSetAsync(CancellationToken cancellationToken);

    /// <summary>Adds a volume to the set (VSS: <c>AddToSnapshotSet</c>).</summary>
    ValueTask AddVolumeAsync(string volume, CancellationToken cancellationToken);

    /// <summary>Tells the writers the backup is coming and checks their state (VSS: <c>PrepareForBackup</c>, <c>GatherWriterStatus</c>).</summary>
    ValueTask PrepareForBackupAsync(CancellationToken cancellationToken);

    /// <summary>Creates the snapshots and checks the writers' state (VSS: <c>DoSnapshotSet</c>, <c>GatherWriterStatus</c>).</summary>
    ValueTask DoSnapshotSetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The documents a restore needs, read once the snapshots exist (VSS: the Backup Components Document from
    /// <c>SaveAsXML</c>, which writers complete in PostSnapshot, and the metadata document of each selected
    /// component's writer); the set stores them under <c>documents/</c>.
    /// </summary>
    ValueTask<IReadOnlyList<SnapshotDocument>> SaveDocumentsAsync(CancellationToken cancellationToken);

    /// <summary>Where the snapshot of <paramref name="volume"/> can be read (VSS: the snapshot's device object).</summary>
    ValueTask<string> GetSnapshotRootAsync(string volume, CancellationToken cancellationToken);

    /// <summary>Reports one selected component's result (VSS: <c>SetBackupSucceeded</c>).</summary>
    ValueTask SetBackupSucceededAsync(SnapshotComponent component, bool succeeded, CancellationToken cancellationToken);

    /// <summary>Tells the writers the backup is complete (VSS: <c>BackupComplete</c>, then <c>GatherWriterStatus</c>).</summary>
    ValueTask BackupCompleteAsync(CancellationToken cancellationToken);

    /// <summary>Aborts the backup (VSS: <c>AbortBackup</c>). Must not be called after <see cref="BackupCompleteAsync"/> succeeded.</summary>
    ValueTask AbortBackupAsync(CancellationToken cancellationToken);
}
