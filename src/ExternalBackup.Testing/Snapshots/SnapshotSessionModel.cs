using System.Security;
using System.Text;
using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Testing.Snapshots;

/// <summary>One session of <see cref="SnapshotProviderModel"/>; checks the call order like VSS and fails on demand.</summary>
internal sealed class SnapshotSessionModel : ISnapshotSession
{
    private enum State { Opened, Initialized, Gathered, SetStarted, Prepared, Created, Completed, Aborted }

    private readonly SnapshotProviderModel _provider;
    private readonly int _number;
    private readonly List<SnapshotComponent> _added = [];
    private readonly Dictionary<string, bool> _reported = [];
    private readonly List<string> _setVolumes = [];
    private readonly Dictionary<string, string> _roots = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<SnapshotComponent> _offered = [];
    private State _state = State.Opened;
    private BackupKind _kind;
    private bool _released;

    public SnapshotSessionModel(SnapshotProviderModel provider, int number)
    {
        _provider = provider;
        _number = number;
    }

    public ValueTask InitializeAsync(BackupKind kind, CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.Initialize, kind.Name(), cancellationToken, State.Opened);
        _kind = kind;
        _state = State.Initialized;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<SnapshotComponent>> GatherComponentsAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.GatherWriterMetadata, "", cancellationToken, State.Initialized);
        _offered = _provider.Components;
        _state = State.Gathered;
        return ValueTask.FromResult(_offered);
    }

    public ValueTask AddComponentAsync(SnapshotComponent component, CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.AddComponents, component.Key, cancellationToken, State.Gathered);
        if (!_offered.Contains(component))
        {
            Fail(SnapshotStep.AddComponents, component.Key, SnapshotModelErrors.ObjectNotFound, "no writer offers this component");
        }

        _added.Add(component);
        return ValueTask.CompletedTask;
    }

    public string VolumeOf(string path)
    {
        var full = Path.GetFullPath(path);
        var probe = Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
        return _provider.Volumes.Where(v => probe.StartsWith(v, StringComparison.Ordinal)).OrderByDescending(v => v.Length).FirstOrDefault()
            ?? throw new SnapshotException(SnapshotStep.AddToSnapshotSet, $"'{path}' is on no volume of the model", SnapshotModelErrors.ObjectNotFound);
    }

    public ValueTask StartSnapshotSetAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.StartSnapshotSet, "", cancellationToken, State.Gathered);
        lock (_provider.Gate)
        {
            if (_provider.SetInProgress)
            {
                Fail(SnapshotStep.StartSnapshotSet, "", SnapshotModelErrors.SnapshotSetInProgress, "another snapshot set is in progress");
            }

            _provider.SetInProgress = true;
        }

        _state = State.SetStarted;
        return ValueTask.CompletedTask;
    }

    public ValueTask AddVolumeAsync(string volume, CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.AddToSnapshotSet, volume, cancellationToken, State.SetStarted);
        if (!_provider.Volumes.Contains(volume))
        {
            Fail(SnapshotStep.AddToSnapshotSet, volume, SnapshotModelErrors.ObjectNotFound, "unknown volume");
        }

        _setVolumes.Add(volume);
        return ValueTask.CompletedTask;
    }

    public ValueTask PrepareForBackupAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.PrepareForBackup, "", cancellationToken, State.SetStarted);
        _state = State.Prepared;
        return ValueTask.CompletedTask;
    }

    public ValueTask DoSnapshotSetAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.DoSnapshotSet, "", cancellationToken, State.Prepared);
        foreach (var volume in _setVolumes)
        {
            var root = Path.Combine(_provider.SnapshotStorage, $"snap-{_number}-{Guid.NewGuid():N}");
            CopyTree(volume, root);
            _roots[volume] = root;
            _provider.SnapshotCreated();
        }

        lock (_provider.Gate)
        {
            _provider.SetInProgress = false;
        }

        _state = State.Created;
        return ValueTask.CompletedTask;
    }

    /// <summary>The model's documents: a backup components document naming the added components, and one metadata document per writer of an added component (UTF-8 XML).</summary>
    public ValueTask<IReadOnlyList<SnapshotDocument>> SaveDocumentsAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.SaveDocuments, "", cancellationToken, State.Created);
        var components = string.Concat(_added.Select(c => $"<COMPONENT writerId=\"{c.WriterId}\" instanceId=\"{c.InstanceId}\" logicalPath=\"{SecurityElement.Escape(c.LogicalPath)}\" componentName=\"{SecurityElement.Escape(c.Name)}\"/>"));
        var documents = new List<SnapshotDocument>
        {
            new("backup-components.xml", "model:backup-components", Encoding.UTF8.GetBytes($"<BACKUP_COMPONENTS backupType=\"{_kind.Name()}\">{components}</BACKUP_COMPONENTS>")),
        };
        foreach (var writer in _added.GroupBy(c => c.InstanceId))
        {
            var first = writer.First();
            documents.Add(new($"writer-{first.InstanceId:D}.xml", $"model:writer-metadata {first.WriterName}", Encoding.UTF8.GetBytes($"<WRITER_METADATA writerId=\"{first.WriterId}\" instanceId=\"{first.InstanceId}\" friendlyName=\"{SecurityElement.Escape(first.WriterName)}\"/>")));
        }

        return ValueTask.FromResult<IReadOnlyList<SnapshotDocument>>(documents);
    }

    public ValueTask<string> GetSnapshotRootAsync(string volume, CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.GetSnapshotPaths, volume, cancellationToken, State.Created);
        return _roots.TryGetValue(volume, out var root)
            ? ValueTask.FromResult(root)
            : throw Fail(SnapshotStep.GetSnapshotPaths, volume, SnapshotModelErrors.ObjectNotFound, "volume not in the snapshot set");
    }

    public ValueTask SetBackupSucceededAsync(SnapshotComponent component, bool succeeded, CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.SetBackupSucceeded, $"{component.Key}={succeeded}", cancellationToken, State.Created);
        if (!_added.Contains(component))
        {
            Fail(SnapshotStep.SetBackupSucceeded, component.Key, SnapshotModelErrors.ObjectNotFound, "component was not added");
        }

        _reported[component.Key] = succeeded;
        return ValueTask.CompletedTask;
    }

    public ValueTask BackupCompleteAsync(CancellationToken cancellationToken)
    {
        Enter(SnapshotStep.BackupComplete, "", cancellationToken, State.Created);
        var unreported = _added.Where(c => !_reported.ContainsKey(c.Key)).Select(c => c.Key).ToList();
        if (unreported.Count > 0)
        {
            Fail(SnapshotStep.BackupComplete, "", SnapshotModelErrors.BadState, $"SetBackupSucceeded was not called for {string.Join(", ", unreported)}");
        }

        foreach (var component in _added.Where(c => _reported[c.Key] && _kind.TruncatesLogs()))
        {
            _provider.Truncated(component, _kind);
        }

        _state = State.Completed;
        return ValueTask.CompletedTask;
    }

    public ValueTask AbortBackupAsync(CancellationToken cancellationToken)
    {
        var fault = _provider.Faults.Enter(SnapshotStep.AbortBackup);
        var badState = _state is State.Opened or State.Completed or State.Aborted;
        _provider.Log(_number, SnapshotStep.AbortBackup, "", fault != 0 || badState);
        if (badState)
        {
            throw new SnapshotException(SnapshotStep.AbortBackup, $"out of order in state {_state}", SnapshotModelErrors.BadState);
        }

        if (fault != 0)
        {
            throw new SnapshotException(SnapshotStep.AbortBackup, "injected fault", fault);
        }

        lock (_provider.Gate)
        {
            _provider.SetInProgress = false;
        }

        _state = State.Aborted;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_released)
        {
            return ValueTask.CompletedTask;
        }

        var fault = _provider.Faults.Enter(SnapshotStep.Release);
        _provider.Log(_number, SnapshotStep.Release, "", fault != 0);
        if (fault != 0)
        {
            throw new SnapshotException(SnapshotStep.Release, "injected fault; the snapshots stay", fault);
        }

        _released = true;
        foreach (var root in _roots.Values)
        {
            Directory.Delete(root, recursive: true);
            _provider.SnapshotReleased();
        }

        _roots.Clear();
        lock (_provider.Gate)
        {
            _provider.OpenSessions--;
        }

        return ValueTask.CompletedTask;
    }

    private void Enter(SnapshotStep step, string detail, CancellationToken cancellationToken, State required)
    {
        if (_released)
        {
            throw Fail(step, detail, SnapshotModelErrors.BadState, "the session was released");
        }

        var fault = _provider.Faults.Enter(step);
        cancellationToken.ThrowIfCancellationRequested();
        if (_state != required)
        {
            throw Fail(step, detail, SnapshotModelErrors.BadState, $"out of order: the session is {_state}, the call needs {required}");
        }

        if (fault != 0)
        {
            throw Fail(step, detail, fault, "injected fault");
        }

        _provider.Log(_number, step, detail, failed: false);
    }

    private SnapshotException Fail(SnapshotStep step, string detail, int hResult, string message)
    {
        _provider.Log(_number, step, detail, failed: true);
        throw new SnapshotException(step, message, hResult);
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }
}
