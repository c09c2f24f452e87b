using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Sources.Snapshot;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Runs one snapshot backup through the one pipeline: the provider's session is the source
/// (<see cref="SnapshotSource"/>): components selected, snapshots created, the files copied and verified by the
/// set writer, the set committed, and only then the writers told the backup succeeded. The rules it enforces:
/// <list type="bullet">
/// <item>after any failure once the snapshot set was started (so every failure past <c>PrepareForBackup</c>),
/// <see cref="ISnapshotSession.AbortBackupAsync"/> is called, and the sink's set is aborted unless committed;</item>
/// <item><see cref="ISnapshotSession.SetBackupSucceededAsync"/> and <see cref="ISnapshotSession.BackupCompleteAsync"/>
/// are called only after the sink committed a set whose every file was verified (a frozen source without
/// verification is refused);</item>
/// <item>the session is always disposed (snapshots released), also on failure and cancellation;</item>
/// <item>copy and differential backups are declared as such to the provider, so the writers never truncate for
/// them, and the manifest records the kind and whether logs are truncated.</item>
/// </list>
/// </summary>
public sealed class SnapshotBackupCoordinator
{
    private readonly ISnapshotProvider _provider;
    private readonly FrozenFolderSource _source;
    private readonly SnapshotBackupOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a coordinator.</summary>
    /// <param name="provider">Where snapshots come from.</param>
    /// <param name="source">The format and options the snapshot's frozen files are read and verified with.</param>
    /// <param name="options">Options; default: <see cref="SnapshotBackupOptions"/> defaults.</param>
    public SnapshotBackupCoordinator(ISnapshotProvider provider, FrozenFolderSource source, SnapshotBackupOptions? options = null)
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? new SnapshotBackupOptions();
        SetName.Validate(_options.SetId, nameof(options));
        _logger = _options.Logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Backs up what <paramref name="request"/> selects into <paramref name="sink"/>. Throws
    /// <see cref="SnapshotException"/> for provider failures, <see cref="FrozenSetException"/> or
    /// <see cref="BackupVerificationException"/> for what cannot be backed up, and
    /// <see cref="OperationCanceledException"/> on cancellation; in every case the writers were not told success.
    /// </summary>
    public async Task<SnapshotBackupResult> RunAsync(SnapshotRequest request, IBackupSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sink);
        if (!_provider.IsAvailable)
        {
            throw new SnapshotException(SnapshotStep.OpenSession, _provider.UnavailableReason ?? $"snapshot provider '{_provider.Name}' is not available");
        }

        if (!_source.Options.Verify)
        {
            throw new SnapshotException(SnapshotStep.Copy, "verification is off, so the set would not be verified; the writers are never told success for an unverified set");
        }

        var source = new SnapshotSource(_provider, request, _source, _options.Instance, _logger);
        await using (source.ConfigureAwait(false))
        {
            try
            {
                var settings = FrozenFolderBackup.Settings(_source, _options.SetId, _options.Time, _logger) with { Extends = _options.Extends, AllowOrphan = _options.AllowOrphan };
                var result = await new BackupSetWriter(source, sink, settings).RunAsync(request.Kind, _source.Progress, cancellationToken).ConfigureAwait(false);
                await source.DisposeAsync().ConfigureAwait(false);
                return new SnapshotBackupResult(result.Manifest, source.Selected, source.Warnings);
            }
            catch (SnapshotException failure) when (source.TellingWriters)
            {
                throw new SnapshotException(failure.Step, $"the set was committed but the writers could not be told success, so they truncate nothing: {failure.Message}", failure.HResult, failure);
            }
        }
    }
}
