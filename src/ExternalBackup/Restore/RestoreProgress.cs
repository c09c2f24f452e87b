namespace ExternalBackup.Restore;

/// <summary>The phases of a restore, in order.</summary>
public enum RestorePhase
{
    /// <summary>Reading, checking and writing the chain's files into the staging folder.</summary>
    Copying,
    /// <summary>Putting the staged files on the disk and renaming the staging folder onto the target.</summary>
    Committing,
    /// <summary>Done: the target holds the restore.</summary>
    Completed,
}

/// <summary>A progress report of a running restore (<see cref="ChainRestore.RestoreAsync(Repository.IBackupRepository, string, string?, RestoreOptions?, IProgress{RestoreProgress}?, CancellationToken)"/>).</summary>
/// <param name="Phase">The phase.</param>
/// <param name="FilesDone">Files completely restored.</param>
/// <param name="FilesTotal">Files the chain restores.</param>
/// <param name="BytesDone">Bytes read, checked and written so far.</param>
/// <param name="BytesTotal">Bytes of every file the chain restores (known before the first byte is read).</param>
/// <param name="CurrentFile">The file most recently started (<c>set: path</c>), or <see langword="null"/>.</param>
public sealed record RestoreProgress(RestorePhase Phase, int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, string? CurrentFile);
