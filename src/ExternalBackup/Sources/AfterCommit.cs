namespace ExternalBackup.Sources;

/// <summary>What a source did after the set was committed.</summary>
/// <param name="LogsTruncated">Whether the engine truncated its logs (or the writers were told they may).</param>
/// <param name="EndFailure">
/// When the source could not record the backup after truncating (<c>JetEndExternalBackupInstance2</c> failed): what
/// failed. The set is good; the engine's headers do not record this backup. <see langword="null"/> when all went well.
/// </param>
internal sealed record AfterCommit(bool LogsTruncated, string? EndFailure = null);
