using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Restore;

/// <summary>Tuning of restores and verification.</summary>
public sealed record RestoreOptions
{
    /// <summary>Default of <see cref="MaxParallelFiles"/>.</summary>
    public const int DefaultMaxParallelFiles = 4;

    /// <summary>How many files are read (and written) at once; each holds three 1 MiB buffers. Default <see cref="DefaultMaxParallelFiles"/>.</summary>
    public int MaxParallelFiles { get; init; } = DefaultMaxParallelFiles;

    /// <summary>Whether verification checks every database page, log record and checkpoint header besides length and SHA-256. Default on.</summary>
    public bool VerifyContent { get; init; } = true;

    /// <summary>Whether a restore also checks every database page and log record (verification always does). Default off: the SHA-256 of every byte is checked either way.</summary>
    public bool VerifyContentOnRestore { get; init; }

    /// <summary>Where the steps of restores, verifications and listings are logged (events 13xx to 15xx, docs/events.md). Default none.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The clock a restore's duration is measured on (<see cref="Telemetry.ExternalBackupTelemetry.DurationHistogram"/>). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
