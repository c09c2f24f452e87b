using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks;

/// <summary>What a sink is told when a set begins.</summary>
/// <param name="SetId">The set's name, unique in its destination (e.g. <c>20261122T101500123Z-full</c>).</param>
/// <param name="Kind">Full, incremental, copy or differential.</param>
/// <param name="StartedUtc">When the backup began.</param>
/// <param name="Instance">The instance backed up.</param>
public sealed record BackupSetDescriptor(string SetId, BackupKind Kind, DateTimeOffset StartedUtc, string Instance);

/// <summary>A file of a set.</summary>
/// <param name="Path">Path inside the set, '/'-separated, checked by <see cref="SetPath.Validate"/>.</param>
/// <param name="Kind">Database, log or other.</param>
/// <param name="ExpectedLength">The length the engine announced.</param>
/// <param name="SourcePath">Where the engine read it from.</param>
public sealed record BackupFileDescriptor(string Path, BackupFileKind Kind, long ExpectedLength, string SourcePath);

/// <summary>A file written completely.</summary>
/// <param name="File">The file.</param>
/// <param name="Length">Bytes written.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
public sealed record CompletedFile(BackupFileDescriptor File, long Length, string Sha256);
