using ExternalBackup.Manifest;

namespace ExternalBackup.Pipeline;

/// <summary>A backup that succeeded: the committed set's manifest.</summary>
/// <param name="Manifest">The manifest the sink committed.</param>
/// <param name="LogsTruncated">Whether the engine's logs were truncated after the commit.</param>
public sealed record BackupResult(BackupManifest Manifest, bool LogsTruncated);
