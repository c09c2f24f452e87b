using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Facade;

/// <summary>Options of <see cref="JetBackup"/>. Every default is stated on its property.</summary>
public sealed record JetBackupOptions
{
    /// <summary>
    /// <c>JET_paramCreatePathIfNotExist</c>: create the backup folder when it does not exist. Default
    /// <see langword="false"/>: a missing folder gives <see cref="Engine.JetError.InvalidPath"/>.
    /// </summary>
    public bool CreatePathIfNotExist { get; init; }

    /// <summary>Retry policy for writes into the backup folder. Default <see cref="SinkResilienceOptions"/>'s defaults.</summary>
    public SinkResilienceOptions Retry { get; init; } = new();

    /// <summary>Flush files and folders to disk before the set becomes visible. Default <see langword="true"/>.</summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>Creates the check of pages and logs on this side of the engine. Default: as <see cref="StreamingBackupOptions.CreateVerifier"/>.</summary>
    public Func<IStreamVerifier>? CreateVerifier { get; init; } = new StreamingBackupOptions().CreateVerifier;

    /// <summary>Where the backup logs. Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock for set names and for the sink's retry delays and timeouts. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
