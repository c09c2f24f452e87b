namespace ExternalBackup.Restore;

/// <summary>A progress report of a running verification of a destination (<see cref="ChainRestore.VerifyAsync(Repository.IBackupRepository, string?, RestoreOptions?, IProgress{VerificationProgress}?, CancellationToken)"/>).</summary>
/// <param name="SetsDone">Sets completely checked; the last report has <c>SetsDone == SetsTotal</c>.</param>
/// <param name="SetsTotal">Sets to check.</param>
/// <param name="FilesDone">Files completely checked.</param>
/// <param name="FilesTotal">Files of every set to check.</param>
/// <param name="BytesDone">Bytes read and checked so far.</param>
/// <param name="BytesTotal">Bytes of every file to check (from the manifests, known before the first byte is read).</param>
/// <param name="CurrentFile">The file most recently started (<c>set: path</c>), or <see langword="null"/>.</param>
public sealed record VerificationProgress(int SetsDone, int SetsTotal, int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, string? CurrentFile);
