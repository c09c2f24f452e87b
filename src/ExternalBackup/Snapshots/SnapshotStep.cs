namespace ExternalBackup.Snapshots;

/// <summary>
/// The steps of a snapshot backup session, in the order a requestor performs them
/// (the VSS requestor sequence; other providers map their own calls onto the same steps).
/// </summary>
public enum SnapshotStep
{
    /// <summary>Creating the session (VSS: <c>CreateVssBackupComponents</c>).</summary>
    OpenSession,
    /// <summary>Initializing for backup and stating the backup type (VSS: <c>InitializeForBackup</c>, <c>SetContext</c>, <c>SetBackupState</c>).</summary>
    Initialize,
    /// <summary>Asking the writers what they hold (VSS: <c>GatherWriterMetadata</c> and its examination).</summary>
    GatherWriterMetadata,
    /// <summary>Selecting components for the backup (VSS: <c>AddComponent</c>).</summary>
    AddComponents,
    /// <summary>Starting the snapshot set (VSS: <c>StartSnapshotSet</c>).</summary>
    StartSnapshotSet,
    /// <summary>Adding volumes to the set (VSS: <c>AddToSnapshotSet</c>).</summary>
    AddToSnapshotSet,
    /// <summary>Telling the writers a backup is coming (VSS: <c>PrepareForBackup</c> and the writer status check).</summary>
    PrepareForBackup,
    /// <summary>Creating the snapshots (VSS: <c>DoSnapshotSet</c> and the writer status check).</summary>
    DoSnapshotSet,
    /// <summary>Saving the documents a restore needs (VSS: <c>SaveAsXML</c> of the backup components; the writers' metadata documents were read with their metadata).</summary>
    SaveDocuments,
    /// <summary>Finding where a volume's snapshot is readable (VSS: <c>GetSnapshotProperties</c>).</summary>
    GetSnapshotPaths,
    /// <summary>Copying and verifying the files into the sink (not a provider call).</summary>
    Copy,
    /// <summary>Committing the set in the sink (not a provider call).</summary>
    Commit,
    /// <summary>Reporting one component's result (VSS: <c>SetBackupSucceeded</c>).</summary>
    SetBackupSucceeded,
    /// <summary>Telling the writers the backup is complete (VSS: <c>BackupComplete</c>; writers of full and incremental backups truncate logs here).</summary>
    BackupComplete,
    /// <summary>Aborting the backup (VSS: <c>AbortBackup</c>).</summary>
    AbortBackup,
    /// <summary>Releasing the session and its snapshots (VSS: releasing <c>IVssBackupComponents</c>).</summary>
    Release,
}
