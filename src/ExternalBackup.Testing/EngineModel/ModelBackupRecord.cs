using ExternalBackup.Manifest;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// A backup the model ended normally and recorded in the database headers (and, for reading back, in the
/// state file): its kind as decided by the engine's rules (§5.9), its log range and the databases updated.
/// </summary>
/// <param name="Kind">Full (truncated full), Copy (untruncated full), Incremental (truncated) or Differential (untruncated).</param>
/// <param name="GenLow">The lowest log generation of the set.</param>
/// <param name="GenHigh">The highest log generation of the set (inclusive).</param>
/// <param name="Time">When the backup began.</param>
/// <param name="Databases">Paths, relative to the instance folder, of the databases whose headers were updated.</param>
public sealed record ModelBackupRecord(BackupKind Kind, uint GenLow, uint GenHigh, DateTimeOffset Time, IReadOnlyList<string> Databases);
