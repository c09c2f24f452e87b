using ExternalBackup.Engine;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Pipeline;

/// <summary>What the set writer needs from the adapter's options (each adapter documents its defaults).</summary>
/// <param name="ChunkSize">Bytes per read; a multiple of 32 KiB, at least 96 KiB.</param>
/// <param name="QueueDepth">Chunks read ahead of the sink; the pool holds <c>QueueDepth + 2</c> buffers.</param>
/// <param name="Verifier">The check of every file, or <see langword="null"/> for none.</param>
/// <param name="SetId">The set's name, or <see langword="null"/> for <see cref="SetName.For"/>.</param>
/// <param name="Time">The clock.</param>
/// <param name="Logger">Where steps are logged.</param>
internal sealed record BackupSetWriterSettings(int ChunkSize, int QueueDepth, IStreamVerifier? Verifier, string? SetId, TimeProvider Time, ILogger Logger)
{
    /// <summary>A <c>JET_PFNSTATUS</c>-style callback, or <see langword="null"/>.</summary>
    public JetStatusCallback? StatusCallback { get; init; }

    /// <summary>The set an incremental or differential extends when the caller names it; <see langword="null"/>: the set writer looks in the sink's catalog.</summary>
    public Manifest.SetReference? Extends { get; init; }

    /// <summary>Commit an incremental or differential with no base found by the chain rule (no <c>extends</c>) instead of refusing it.</summary>
    public bool AllowOrphan { get; init; }

    /// <summary>The limit on source reads in bytes per second, or <see cref="RateLimits.RateLimitDefaults.Unlimited"/>.</summary>
    public long ReadBytesPerSecond { get; init; } = RateLimits.RateLimitDefaults.Unlimited;
}
