using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Sources.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Snapshots;

/// <summary>
/// A backup of a frozen folder with no snapshot provider (a snapshot mounted by other means, a stopped instance, a
/// disk image): the frozen folder as a source of the one pipeline (<see cref="BackupSetWriter"/>). No engine or
/// writer is told anything, so no logs are truncated; any failure or cancellation aborts the set.
/// </summary>
public sealed class FrozenFolderBackup
{
    private readonly FrozenFolderSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the backup over <paramref name="source"/>.</summary>
    /// <param name="source">The folder's format and options.</param>
    /// <param name="time">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where steps are logged; default nowhere.</param>
    public FrozenFolderBackup(FrozenFolderSource source, TimeProvider? time = null, ILogger? logger = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Backs up <paramref name="layout"/> into <paramref name="sink"/> and returns the committed manifest (its counts are what the set holds).</summary>
    /// <param name="layout">The frozen folders.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="kind">The kind recorded (incremental and differential copy only logs).</param>
    /// <param name="setId">The set name; default <see cref="SetName.For"/>.</param>
    /// <param name="extends">
    /// The set an incremental or differential extends, when the caller's own catalogue chose it; default
    /// <see langword="null"/>: the chain rule finds it in the sink (same instance and log stream, contiguous
    /// generations) and refuses the backup (<see cref="Chains.ChainBaseNotFoundException"/>) when there is none.
    /// </param>
    /// <param name="allowOrphan">Commit an incremental or differential without a base found (no <c>extends</c>) instead of refusing it.</param>
    /// <param name="cancellationToken">Cancels the backup (the set is aborted).</param>
    /// <exception cref="FrozenSetException">The folder cannot be backed up as a whole (a database left out, a log missing, an unreadable file).</exception>
    /// <exception cref="BackupVerificationException">A file failed verification.</exception>
    public async Task<BackupManifest> RunAsync(FrozenFolderLayout layout, IBackupSink sink, BackupKind kind, string? setId = null, SetReference? extends = null, bool allowOrphan = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sink);
        var instance = layout.InstanceName ?? string.Join(";", layout.DatabaseFolders.Concat(layout.LogFolders).Select(Path.GetFullPath).Distinct());
        var source = new FrozenSource(_source, () => [layout], () => instance);
        var result = await new BackupSetWriter(source, sink, Settings(_source, setId, _time, _logger) with { Extends = extends, AllowOrphan = allowOrphan })
            .RunAsync(kind, _source.Progress, cancellationToken).ConfigureAwait(false);
        return result.Manifest;
    }

    /// <summary>The set writer's settings for a frozen source.</summary>
    internal static BackupSetWriterSettings Settings(FrozenFolderSource source, string? setId, TimeProvider time, ILogger logger) =>
        new(source.Options.ChunkSize, source.Options.QueueDepth, source.Options.Verify ? source.Format.CreateVerifier() : null, setId, time, logger)
        {
            ReadBytesPerSecond = source.Options.ReadBytesPerSecond,
        };
}
