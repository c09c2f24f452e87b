using ExternalBackup.Formats.Database;

namespace ExternalBackup.Formats.Checkpoint;

/// <summary>The result of reading a checkpoint file's two copies.</summary>
/// <param name="Header">The copy used (primary unless only the shadow is valid); null when both are bad.</param>
/// <param name="Status">The state of the two copies.</param>
/// <param name="Cause">Why a copy is bad, or null.</param>
public sealed record CheckpointRead(CheckpointHeader? Header, HeaderCopyStatus Status, string? Cause);
