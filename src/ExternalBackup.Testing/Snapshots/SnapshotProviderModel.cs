using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Testing.Snapshots;

/// <summary>
/// An in-process model of a VSS-like snapshot provider for tests and integrators' CI. Volumes are folders;
/// <c>DoSnapshotSet</c> copies each added volume's folder into <see cref="SnapshotStorage"/> (a real frozen copy),
/// and releasing the session deletes it. The model checks the call order like VSS does (out-of-order calls fail
/// with VSS_E_BAD_STATE), keeps a machine-wide "snapshot set in progress" flag that only a created or aborted set
/// clears (as VSS does), models ESE writers that truncate their logs at <c>BackupComplete</c> only for full and
/// incremental backups of components reported successful, logs every call in <see cref="Calls"/>, and fails any
/// step on demand (<see cref="Faults"/>).
/// </summary>
public sealed class SnapshotProviderModel : ISnapshotProvider
{
    private readonly List<string> _volumes = [];
    private readonly List<SnapshotComponent> _components = [];
    private readonly List<SnapshotCall> _calls = [];
    private readonly List<string> _truncations = [];
    private readonly Lock _gate = new();
    private int _sessions;
    private int _liveSnapshots;

    /// <summary>Creates a model whose snapshots are written under <paramref name="snapshotStorage"/> (created if missing).</summary>
    public SnapshotProviderModel(string snapshotStorage)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotStorage);
        SnapshotStorage = Path.GetFullPath(snapshotStorage);
        Directory.CreateDirectory(SnapshotStorage);
    }

    /// <inheritdoc />
    public string Name => "model";

    /// <summary>Whether the model reports itself available; default <see langword="true"/>.</summary>
    public bool IsAvailable { get; set; } = true;

    /// <inheritdoc />
    public string? UnavailableReason => IsAvailable ? null : "the snapshot provider model was set unavailable";

    /// <summary>Where snapshot copies are made.</summary>
    public string SnapshotStorage { get; }

    /// <summary>The faults to inject.</summary>
    public SnapshotFaultPlan Faults { get; } = new();

    /// <summary>Every call received, in order (with entries added through <see cref="Record"/>).</summary>
    public IReadOnlyList<SnapshotCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToList();
            }
        }
    }

    /// <summary>Components whose writer truncated its logs at <c>BackupComplete</c>, as <c>key:kind</c>.</summary>
    public IReadOnlyList<string> Truncations
    {
        get
        {
            lock (_gate)
            {
                return _truncations.ToList();
            }
        }
    }

    /// <summary>Snapshots created and not yet released.</summary>
    public int LiveSnapshots => Volatile.Read(ref _liveSnapshots);

    /// <summary>Whether a snapshot set was started and neither created nor aborted (it would block every later backup).</summary>
    public bool SetInProgress { get; internal set; }

    /// <summary>Sessions opened and not yet released.</summary>
    public int OpenSessions { get; internal set; }

    /// <summary>Adds a volume: a folder of live files (its path with a trailing separator is the volume's name).</summary>
    public SnapshotProviderModel AddVolume(string liveFolder)
    {
        var full = Path.GetFullPath(liveFolder);
        lock (_gate)
        {
            _volumes.Add(Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar);
        }

        return this;
    }

    /// <summary>Adds a writer component (its file folders must lie on an added volume).</summary>
    public SnapshotProviderModel AddComponent(SnapshotComponent component)
    {
        ArgumentNullException.ThrowIfNull(component);
        lock (_gate)
        {
            _components.Add(component);
        }

        return this;
    }

    /// <summary>Adds an entry to <see cref="Calls"/> from outside the provider (e.g. a test sink recording <see cref="SnapshotStep.Commit"/>), so orders can be checked in one log.</summary>
    public void Record(SnapshotStep step, string detail = "") => Log(0, step, detail, failed: false);

    /// <inheritdoc />
    public ValueTask<ISnapshotSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int number;
        lock (_gate)
        {
            number = ++_sessions;
        }

        var fault = Faults.Enter(SnapshotStep.OpenSession);
        Log(number, SnapshotStep.OpenSession, "", fault != 0);
        if (fault != 0)
        {
            throw new SnapshotException(SnapshotStep.OpenSession, "injected fault", fault);
        }

        lock (_gate)
        {
            OpenSessions++;
        }

        return ValueTask.FromResult<ISnapshotSession>(new SnapshotSessionModel(this, number));
    }

    internal IReadOnlyList<SnapshotComponent> Components
    {
        get
        {
            lock (_gate)
            {
                return _components.ToList();
            }
        }
    }

    internal IReadOnlyList<string> Volumes
    {
        get
        {
            lock (_gate)
            {
                return _volumes.ToList();
            }
        }
    }

    internal void Log(int session, SnapshotStep step, string detail, bool failed)
    {
        lock (_gate)
        {
            _calls.Add(new SnapshotCall(session, step, detail, failed));
        }
    }

    internal void Truncated(SnapshotComponent component, BackupKind kind)
    {
        lock (_gate)
        {
            _truncations.Add($"{component.Key}:{kind.Name()}");
        }
    }

    internal void SnapshotCreated() => Interlocked.Increment(ref _liveSnapshots);

    internal void SnapshotReleased() => Interlocked.Decrement(ref _liveSnapshots);

    internal Lock Gate => _gate;
}
