using ExternalBackup.Pipeline;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Snapshots;
using ExternalBackup.Sources.Frozen;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sources.Snapshot;

/// <summary>
/// A snapshot a provider creates for this backup, as a source: its begin is the requestor's sequence up to
/// <c>DoSnapshotSet</c> (the writers' components selected, their volumes snapshotted, their files mapped into the
/// snapshot, the documents a restore needs saved), its files are the components' frozen files
/// (<see cref="FrozenSource"/>, without what the writers exclude) and the documents (under <c>documents/</c>), its after-commit step tells the
/// writers the backup succeeded (<c>SetBackupSucceeded</c>, <c>BackupComplete</c>: full and incremental writers
/// truncate here), its abort is <c>AbortBackup</c>. The session is released by <see cref="DisposeAsync"/>.
/// </summary>
internal sealed class SnapshotSource(ISnapshotProvider provider, SnapshotRequest request, FrozenFolderSource folder, string? instance, ILogger logger) : IBackupSource, IAsyncDisposable
{
    private readonly List<string> _warnings = [];
    private ISnapshotSession? _session;
    private List<SnapshotComponent> _selected = [];
    private IReadOnlyList<FrozenFolderLayout> _layouts = [];
    private FrozenSource? _files;
    private Dictionary<string, SnapshotDocument> _documents = [];
    private bool _setStarted;
    private bool _completed;

    /// <summary>The components backed up (known once begun).</summary>
    public IReadOnlyList<SnapshotComponent> Selected => _selected;

    /// <summary>Cleanup failures (abort, release) that did not change the outcome.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Whether the set was committed and the writers were being told (a failure now leaves a good set).</summary>
    public bool TellingWriters { get; private set; }

    /// <inheritdoc />
    public string Source => ManifestSources.Snapshot;

    /// <inheritdoc />
    public string? Producer => provider.Name;

    /// <inheritdoc />
    public string Instance => instance ?? string.Join(";", _selected.Select(c => c.Key));

    /// <inheritdoc />
    public async ValueTask BeginAsync(BackupKind kind, SetReference? extends, CancellationToken cancellationToken)
    {
        _session = await provider.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        await _session.InitializeAsync(kind, cancellationToken).ConfigureAwait(false);
        var offered = await _session.GatherComponentsAsync(cancellationToken).ConfigureAwait(false);
        _selected = Select(offered, request);
        foreach (var component in _selected)
        {
            await _session.AddComponentAsync(component, cancellationToken).ConfigureAwait(false);
        }

        var volumes = Volumes(_session, _selected, request);
        await _session.StartSnapshotSetAsync(cancellationToken).ConfigureAwait(false);
        _setStarted = true;
        foreach (var volume in volumes)
        {
            await _session.AddVolumeAsync(volume, cancellationToken).ConfigureAwait(false);
        }

        await _session.PrepareForBackupAsync(cancellationToken).ConfigureAwait(false);
        await _session.DoSnapshotSetAsync(cancellationToken).ConfigureAwait(false);
        _documents = DocumentsBySetPath(await _session.SaveDocumentsAsync(cancellationToken).ConfigureAwait(false));
        var map = new SnapshotPathMap();
        foreach (var volume in volumes)
        {
            map.Add(volume, await _session.GetSnapshotRootAsync(volume, cancellationToken).ConfigureAwait(false));
        }

        var content = _selected.Select(c => new SnapshotComponentContent(
            c,
            c.Files.Select(f => f with { Folder = map.Map(f.SourceFolder), AlternateLocation = null }).ToList(),
            // An exclude on a volume outside the set excludes nothing of it.
            c.Excludes.Where(f => map.TryMap(f.Folder, out _)).Select(f => FrozenExclusion.OfWriter(c, f, map.Map(f.Folder))).ToList())).ToList();
        _layouts = FrozenFolderSource.Layouts(content);
        cancellationToken.ThrowIfCancellationRequested();
        _files = new FrozenSource(folder, () => _layouts, () => Instance);
        await _files.BeginAsync(kind, extends, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SourceFile>> ListDatabasesAsync(CancellationToken cancellationToken) => Files.ListDatabasesAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<SourceLogs> ListLogsAsync(CancellationToken cancellationToken)
    {
        // The logs and checkpoint, then the documents a restore needs (kind other, under documents/).
        var logs = await Files.ListLogsAsync(cancellationToken).ConfigureAwait(false);
        var documents = _documents.Select(d => new SourceFile(d.Key, BackupFileKind.Other, d.Value.Origin));
        return logs with { Files = logs.Files.Concat(documents).ToList() };
    }

    /// <inheritdoc />
    public ISourceFileReader Open(SourceFile file) =>
        file.Kind == BackupFileKind.Other && _documents.TryGetValue(file.SetPath, out var document)
            ? new DocumentReader(file.SetPath, document.Content)
            : Files.Open(file);

    /// <inheritdoc />
    public async ValueTask<AfterCommit> AfterCommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        TellingWriters = true;
        PipelineEvents.TellingWriters(logger, manifest.SetId, manifest.Files.Count, _selected.Count);
        foreach (var component in _selected)
        {
            await _session!.SetBackupSucceededAsync(component, true, cancellationToken).ConfigureAwait(false);
        }

        await _session!.BackupCompleteAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
        return new AfterCommit(manifest.TruncatesLogs);
    }

    /// <inheritdoc />
    public async ValueTask AbortAsync()
    {
        if (_session is { } session && _setStarted && !_completed)
        {
            await CleanupAsync("AbortBackup", () => session.AbortBackupAsync(CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the session and its snapshots; a failure is a warning.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            await CleanupAsync("release the snapshot session", () => session.DisposeAsync()).ConfigureAwait(false);
        }
    }

    private FrozenSource Files => _files ?? throw new InvalidOperationException("the snapshot source has not begun");

    private static Dictionary<string, SnapshotDocument> DocumentsBySetPath(IReadOnlyList<SnapshotDocument> documents)
    {
        var result = new Dictionary<string, SnapshotDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var document in documents)
        {
            var path = $"{SetLayout.DocumentFolder}/{document.Name}";
            var reason = SetPath.Check(path) ?? (result.TryAdd(path, document) ? null : "a second document of that name");
            if (reason is not null)
            {
                throw new SnapshotException(SnapshotStep.SaveDocuments, $"the provider offered a document '{document.Name}' that cannot be stored as {path} ({reason})");
            }
        }

        return result;
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

    private async Task CleanupAsync(string what, Func<ValueTask> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // cleanup must go on and must not hide the original failure; the failure is logged and returned
        catch (Exception e)
#pragma warning restore CA1031
        {
            _warnings.Add($"{what} failed: {e.Message}");
            PipelineEvents.SnapshotCleanupFailed(logger, e, what);
        }
    }
}
