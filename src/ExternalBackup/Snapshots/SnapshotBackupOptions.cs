using ExternalBackup.Manifest;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Snapshots;

/// <summary>Options of <see cref="SnapshotBackupCoordinator"/>.</summary>
public sealed record SnapshotBackupOptions
{
    /// <summary>The set's name; default <see langword="null"/>: <c>yyyyMMddTHHmmssfffZ-kind</c> from <see cref="Time"/>.</summary>
    public string? SetId { get; init; }

    /// <summary>The instance recorded in the manifest; default <see langword="null"/>: the selected components' keys.</summary>
    public string? Instance { get; init; }

    /// <summary>
    /// The set an incremental or differential backup extends, when the caller's own catalogue chose it; default
    /// <see langword="null"/>: the chain rule finds it in the sink (same instance and log stream, contiguous
    /// generations) and refuses the backup when there is none, before the writers are prepared or, once the logs'
    /// headers are read, before commit.
    /// </summary>
    public SetReference? Extends { get; init; }

    /// <summary>Commit an incremental or differential without a base found (no <c>extends</c>) instead of refusing it; default <see langword="false"/>.</summary>
    public bool AllowOrphan { get; init; }

    /// <summary>The clock; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;


    /// <summary>Where steps and cleanup failures are logged; default <see langword="null"/>: nowhere.</summary>
    public ILogger? Logger { get; init; }
}
