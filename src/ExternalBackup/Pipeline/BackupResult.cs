using ExternalBackup.Manifest;

namespace ExternalBackup.Pipeline;

/// <summary>A backup whose set was committed: the committed set's manifest, and what followed the commit.</summary>
/// <param name="Manifest">The manifest the sink committed (its <see cref="BackupManifest.Counts"/> are what the set holds).</param>
/// <param name="LogsTruncated">Whether the engine's logs were truncated after the commit.</param>
public sealed record BackupResult(BackupManifest Manifest, bool LogsTruncated)
{
    /// <summary>
    /// When the set is committed and the logs truncated but the source could not record the backup
    /// (<c>JetEndExternalBackupInstance2</c> failed): what failed. The set is good and restorable; the engine's
    /// database headers do not record this backup (the next incremental still finds its logs in this set).
    /// <see langword="null"/> when the backup ended normally.
    /// </summary>
    public string? EndFailure { get; init; }

    /// <summary>What the set holds: databases, logs, checkpoints, documents, bytes.</summary>
    public SetCounts Counts => Manifest.Counts ?? SetCounts.Of(Manifest.Files.ToList());
}
