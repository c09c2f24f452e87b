using System.Globalization;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Runs one snapshot backup: opens a provider session, selects the writers' components, creates the snapshots,
/// copies and verifies the files into the sink, commits the set, and only then tells the writers the backup
/// succeeded. The rules it enforces:
/// <list type="bullet">
/// <item>after any failure once the snapshot set was started (so every failure past <c>PrepareForBackup</c>),
/// <see cref="ISnapshotSession.AbortBackupAsync"/> is called, and the sink's set is aborted unless committed;</item>
/// <item><see cref="ISnapshotSession.SetBackupSucceededAsync"/> and <see cref="ISnapshotSession.BackupCompleteAsync"/>
/// are called only after the sink committed a set whose every component was verified;</item>
/// <item>the session is always disposed (snapshots released), also on failure and cancellation;</item>
/// <item>copy and differential backups are declared as such to the provider, so the writers never truncate for
/// them, and the manifest records the kind and whether logs are truncated.</item>
/// </list>
/// </summary>
public sealed class SnapshotBackupCoordinator
{
    private readonly ISnapshotProvider _provider;
    private readonly ISnapshotContentSource _source;
    private readonly SnapshotBackupOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a coordinator.</summary>
    /// <param name="provider">Where snapshots come from.</param>
    /// <param name="source">What copies and verifies the files (normally <see cref="FrozenFolderSource"/>).</param>
    /// <param name="options">Options; default: <see cref="SnapshotBackupOptions"/> defaults.</param>
    public SnapshotBackupCoordinator(ISnapshotProvider provider, ISnapshotContentSource source, SnapshotBackupOptions? options = null)
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? new SnapshotBackupOptions();
        _logger = _options.Logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Backs up what <paramref name="request"/> selects into <paramref name="sink"/>. Throws
    /// <see cref="SnapshotException"/> for provider failures, the source's exception for corruption, and
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

        var started = _options.Time.GetUtcNow();
        var warnings = new List<string>();
        ISnapshotSession? session = null;
        var setStarted = false;
        var completed = false;
        var begun = false;
        var committed = false;
        try
        {
            session = await _provider.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            await session.InitializeAsync(request.Kind, cancellationToken).ConfigureAwait(false);
            var offered = await session.GatherComponentsAsync(cancellationToken).ConfigureAwait(false);
            var selected = Select(offered, request);
            var instance = _options.Instance ?? string.Join(";", selected.Select(c => c.Key));
            // The chain rule: refused here, before any writer is prepared, when no base can be in the destination.
            var chain = _options.Extends is null && !request.Kind.CopiesDatabases()
                ? await ChainPlanner.OpenAsync(sink, request.Kind, instance, _options.AllowOrphan, cancellationToken).ConfigureAwait(false)
                : null;
            foreach (var component in selected)
            {
                await session.AddComponentAsync(component, cancellationToken).ConfigureAwait(false);
            }

            var volumes = Volumes(session, selected, request);
            await session.StartSnapshotSetAsync(cancellationToken).ConfigureAwait(false);
            setStarted = true;
            foreach (var volume in volumes)
            {
                await session.AddVolumeAsync(volume, cancellationToken).ConfigureAwait(false);
            }

            await session.PrepareForBackupAsync(cancellationToken).ConfigureAwait(false);
            await session.DoSnapshotSetAsync(cancellationToken).ConfigureAwait(false);
            var map = new SnapshotPathMap();
            foreach (var volume in volumes)
            {
                map.Add(volume, await session.GetSnapshotRootAsync(volume, cancellationToken).ConfigureAwait(false));
            }

            var content = selected.Select(c => new SnapshotComponentContent(c, c.Files.Select(f => f with { Folder = map.Map(f.SourceFolder), AlternateLocation = null }).ToList())).ToList();
            var setId = _options.SetId ?? $"{started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{request.Kind.Name()}";
            cancellationToken.ThrowIfCancellationRequested();
            await sink.BeginSetAsync(new BackupSetDescriptor(setId, request.Kind, started, instance), cancellationToken).ConfigureAwait(false);
            begun = true;
            var copy = await _source.CopyAsync(content, sink, request.Kind, cancellationToken).ConfigureAwait(false);
            var unverified = selected.Where(c => !copy.VerifiedComponents.Contains(c.Key)).Select(c => c.Key).ToList();
            if (unverified.Count > 0)
            {
                throw new SnapshotException(SnapshotStep.Copy, $"not verified: {string.Join(", ", unverified)}; the set is not committed and the writers are not told success");
            }

            var extends = _options.Extends;
            if (chain is not null)
            {
                // The copied logs' headers name the log stream and generations: the base must have them, before commit.
                chain.ContinueWith(copy.LogGenerations);
                if (copy.LogSignature is { } signature)
                {
                    chain.ContinueWith(signature, instance);
                }

                extends = chain.Reference;
            }

            var manifest = copy.ToManifest(setId, request.Kind, started, _options.Time.GetUtcNow(), instance, $"snapshot:{_provider.Name}", truncatesLogs: true, extends);
            cancellationToken.ThrowIfCancellationRequested();
            await sink.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
            committed = true;
            _logger.LogInformation("snapshot backup {SetId} committed ({Files} files); reporting success to {Count} components", setId, manifest.Files.Count, selected.Count);
            foreach (var component in selected)
            {
                await session.SetBackupSucceededAsync(component, true, cancellationToken).ConfigureAwait(false);
            }

            await session.BackupCompleteAsync(cancellationToken).ConfigureAwait(false);
            completed = true;
            return new SnapshotBackupResult(manifest, selected, warnings);
        }
        catch (Exception failure)
        {
            if (begun && !committed)
            {
                await CleanupAsync("abort the sink's set", () => sink.AbortAsync(CancellationToken.None), warnings).ConfigureAwait(false);
            }

            if (session is not null && setStarted && !completed)
            {
                await CleanupAsync("AbortBackup", () => session.AbortBackupAsync(CancellationToken.None), warnings).ConfigureAwait(false);
            }

            _logger.LogError(failure, "snapshot backup failed{Committed}", committed ? " after the set was committed (writers not told success; no logs truncated)" : "");
            if (committed && failure is SnapshotException)
            {
                throw new SnapshotException(((SnapshotException)failure).Step, $"the set was committed but the writers could not be told success, so they truncate nothing: {failure.Message}", failure.HResult, failure);
            }

            throw;
        }
        finally
        {
            if (session is not null)
            {
                await CleanupAsync("release the snapshot session", () => session.DisposeAsync(), warnings).ConfigureAwait(false);
            }
        }
    }

    private static List<SnapshotComponent> Select(IReadOnlyList<SnapshotComponent> offered, SnapshotRequest request)
    {
        if (request.WriterIds.Count == 0)
        {
            return offered.Count > 0
                ? offered.ToList()
                : throw new SnapshotException(SnapshotStep.AddComponents, "no writer offers a component holding ESE files");
        }

        var selected = new List<SnapshotComponent>();
        foreach (var writer in request.WriterIds)
        {
            var of = offered.Where(c => c.WriterId == writer).ToList();
            if (of.Count == 0)
            {
                throw new SnapshotException(SnapshotStep.AddComponents, $"writer {writer} is not present or offers no component holding ESE files");
            }

            selected.AddRange(of);
        }

        return selected;
    }

    private static List<string> Volumes(ISnapshotSession session, List<SnapshotComponent> selected, SnapshotRequest request)
    {
        var volumes = new List<string>();
        foreach (var folder in selected.SelectMany(c => c.Files).Select(f => f.SourceFolder).Concat(request.ExtraVolumes))
        {
            var volume = session.VolumeOf(folder);
            if (!volumes.Contains(volume, StringComparer.OrdinalIgnoreCase))
            {
                volumes.Add(volume);
            }
        }

        return volumes;
    }

    private async Task CleanupAsync(string what, Func<ValueTask> action, List<string> warnings)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // cleanup must go on and must not hide the original failure; the failure is logged and returned
        catch (Exception e)
#pragma warning restore CA1031
        {
            warnings.Add($"{what} failed: {e.Message}");
            _logger.LogWarning(e, "could not {What}", what);
        }
    }
}
