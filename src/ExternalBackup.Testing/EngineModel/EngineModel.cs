using ExternalBackup.Engine;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// An in-process model of the ESE external backup engine serving a real instance folder (databases, logs,
/// checkpoint), following the engine's rules of <c>ese-backup-api.md</c> §5 and §8: one backup per instance,
/// the sequence errors, the database stream (2 header pages, data pages, trailer page), the buffer rules, one
/// open file at a time, the log roll at the first log-info call, truncation only after every listed log was
/// read, the End semantics with database header updates, StopBackup, and the §5.2 gate. It changes the folder
/// as the engine would (new log generation at the roll, deleted logs at truncation, header updates at End) and
/// keeps its settings and history in <see cref="StateFileName"/>, so a later process continues the chain.
/// Faults are injected through <see cref="EngineModelOptions.Faults"/>; every call is recorded in <see cref="Calls"/>.
/// All members are thread-safe (one lock).
/// </summary>
public sealed partial class EngineModel : IExternalBackupEngine
{
    /// <summary>The state file the model keeps in the instance folder.</summary>
    public const string StateFileName = ".engine-model.json";

    /// <summary>The lock file a running backup holds an exclusive OS lock on (<see cref="LockPath"/>).</summary>
    public const string LockFileName = ".engine-model.lock";

    private readonly object _sync = new();
    private readonly EngineFaults _faults;
    private readonly TimeProvider _time;
    private readonly ModelState _state;
    private readonly string _statePath;
    private readonly LogFolder _logs;
    private readonly List<ModelDatabase> _databases;
    private readonly bool _checkpointFollowsRoll;
    private readonly int[] _uses = new int[Enum.GetValues<EngineCall>().Length];
    private readonly List<EngineCallRecord> _calls = [];
    private readonly BackupContext _backup = new();

    private EngineCall _currentCall;
    private int _currentUse;
    private string _currentArgument = string.Empty;
    private bool _currentRecorded;
    private bool _circularLogging;
    private readonly bool _recordCalls;
    private readonly LiveWorkload? _workload;
    private readonly nint _fileHandle;

    private EngineModel(string folder, EngineModelOptions options, ModelState state, string statePath)
    {
        InstanceFolder = folder;
        _faults = options.Faults ?? new EngineFaults();
        _time = options.TimeProvider ?? TimeProvider.System;
        VerifyPages = options.VerifyPages;
        _recordCalls = options.RecordCalls;
        _workload = options.Workload;
        _fileHandle = options.FileHandle;
        _workload?.Validate();
        _workloadRandom = new SyntheticRandom(_workload?.Seed ?? 1);
        _state = state;
        _statePath = statePath;

        var baseName = options.BaseName ?? state.BaseName ?? "edb";
        if (baseName.Length != 3)
        {
            throw new ArgumentException($"The log base name must be exactly 3 characters (JET_paramBaseName), not '{baseName}'.", nameof(options));
        }

        var extension = options.LogExtension ?? state.LogExtension ??
            (File.Exists(Path.Combine(folder, baseName + ".jtx")) ? ".jtx" : ".log");
        if (extension is not (".log" or ".jtx"))
        {
            throw new ArgumentException($"The log extension must be .log or .jtx, not '{extension}'.", nameof(options));
        }

        var eightDotThree = options.EightDotThreeLogNames ?? state.EightDotThreeLogNames ?? DetectEightDotThree(folder, baseName, extension);
        _logs = new LogFolder(folder, baseName, extension, eightDotThree);
        Recovery = _logs.Recover();
        _circularLogging = options.CircularLogging ?? state.CircularLogging ?? false;
        _checkpointFollowsRoll = options.CheckpointFollowsRoll ?? state.CheckpointFollowsRoll ?? EngineModelOptions.DefaultCheckpointFollowsRoll;

        if (!File.Exists(_logs.CurrentLogPath))
        {
            throw new FileNotFoundException($"{_logs.CurrentLogPath}: the instance's current log is missing (base name '{baseName}', extension '{extension}').", _logs.CurrentLogPath);
        }

        _logs.ReadCurrentHeader();
        if (!File.Exists(_logs.CheckpointPath))
        {
            throw new FileNotFoundException($"{_logs.CheckpointPath}: the instance's checkpoint file is missing.", _logs.CheckpointPath);
        }

        _logs.ReadCheckpoint();

        var explicitDatabases = options.Databases ?? (IReadOnlyList<string>?)state.Databases;
        _databases = explicitDatabases is null
            ? DiscoverDatabases(folder)
            : explicitDatabases.Select(d => ModelDatabase.Load(Path.GetFullPath(d, folder), folder)).ToList();
        var attachments = options.Attachments ?? (IReadOnlyDictionary<string, DatabaseAttachment>?)state.Attachments;
        if (attachments is not null)
        {
            foreach (var (name, attachment) in attachments)
            {
                var full = Path.GetFullPath(name, folder);
                var db = _databases.FirstOrDefault(d => string.Equals(d.FullPath, full, StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"{full}: an attachment is given for a database the instance does not have.", nameof(options));
                db.Attachment = attachment;
            }
        }

        PageSize = options.PageSize ?? state.PageSize ?? (_databases.Count > 0 ? _databases[0].PageSize : 4096);
        if (PageSize is not (2048 or 4096 or 8192 or 16384 or 32768))
        {
            throw new ArgumentException($"Page size {PageSize} is not an ESE page size (2, 4, 8, 16 or 32 KiB).", nameof(options));
        }

        if (options.BaseName is not null || options.CircularLogging is not null || options.LogExtension is not null ||
            options.EightDotThreeLogNames is not null || options.PageSize is not null || options.Databases is not null ||
            options.CheckpointFollowsRoll is not null || options.Attachments is not null)
        {
            _state.BaseName = options.BaseName ?? _state.BaseName;
            _state.CircularLogging = options.CircularLogging ?? _state.CircularLogging;
            _state.LogExtension = options.LogExtension ?? _state.LogExtension;
            _state.EightDotThreeLogNames = options.EightDotThreeLogNames ?? _state.EightDotThreeLogNames;
            _state.PageSize = options.PageSize ?? _state.PageSize;
            _state.Databases = options.Databases?.ToList() ?? _state.Databases;
            _state.CheckpointFollowsRoll = options.CheckpointFollowsRoll ?? _state.CheckpointFollowsRoll;
            _state.Attachments = options.Attachments?.ToDictionary() ?? _state.Attachments;
            _state.Save(_statePath);
        }
    }

    /// <summary>
    /// Opens the instance in <paramref name="instanceFolder"/>: its current log (<c>&lt;base&gt;.log</c> or
    /// <c>.jtx</c>) and checkpoint must exist with valid headers.
    /// </summary>
    /// <param name="instanceFolder">The folder holding the logs, the checkpoint and (in its tree) the databases.</param>
    /// <param name="options">Settings; <see langword="null"/> uses the folder's state file or the defaults.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The current log, the checkpoint or a listed database is missing.</exception>
    /// <exception cref="InvalidDataException">A header is not valid (the message names the file).</exception>
    public static EngineModel Open(string instanceFolder, EngineModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceFolder);
        var folder = Path.GetFullPath(instanceFolder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: the instance folder does not exist.");
        }

        var statePath = Path.Combine(folder, StateFileName);
        ModelState.Recover(statePath);
        return new EngineModel(folder, options ?? new EngineModelOptions(), ModelState.Load(statePath), statePath);
    }

    /// <inheritdoc />
    public string Description => "engine model";

    /// <inheritdoc />
    public string InstanceName => InstanceFolder;

    /// <summary>
    /// What opening the folder recovered after a crash of an earlier model (a half-done log roll finished, leftover
    /// temporary files deleted), or <see langword="null"/> when there was nothing to recover.
    /// </summary>
    public string? Recovery { get; }

    /// <summary>The full path of the instance folder.</summary>
    public string InstanceFolder { get; }

    /// <summary>The log base name (<c>JET_paramBaseName</c>).</summary>
    public string BaseName => _logs.BaseName;

    /// <summary>The log extension, <c>.log</c> or <c>.jtx</c>.</summary>
    public string LogExtension => _logs.Extension;

    /// <summary>The database page size read buffers must be multiples of.</summary>
    public int PageSize { get; }

    /// <summary>Whether ReadFile checks every database page (see <see cref="EngineModelOptions.VerifyPages"/>).</summary>
    public bool VerifyPages { get; }

    /// <summary>Whether circular logging is on (incremental backups then fail with <c>JET_errInvalidBackup</c>). Setting it saves the state file.</summary>
    public bool CircularLogging
    {
        get { lock (_sync) { return _circularLogging; } }
        set
        {
            lock (_sync)
            {
                _circularLogging = value;
                if (_state.CircularLogging != value)
                {
                    _state.CircularLogging = value;
                    _state.Save(_statePath);
                }
            }
        }
    }

    /// <summary>Full paths of every attached database, however attached (<see cref="GetAttachInfo"/> lists only the logged ones).</summary>
    public IReadOnlyList<string> Databases => _databases.Select(d => d.FullPath).ToList();

    /// <summary>The attached databases that are logged and not attached for recovery (what the engine backs up, §5.4).</summary>
    private IEnumerable<ModelDatabase> LoggedDatabases => _databases.Where(d => d.Attachment == DatabaseAttachment.Logged);

    /// <summary>The instance's state for the §5.2 gate. Default <see cref="InstanceCondition.Running"/>.</summary>
    public InstanceCondition Condition
    {
        get { lock (_sync) { return field; } }
        set { lock (_sync) { field = value; } }
    }

    /// <summary>Whether the instance logs (<c>JET_paramRecovery</c> on). Off: Begin fails with <c>JET_errLoggingDisabled</c>. Default on.</summary>
    public bool LoggingEnabled
    {
        get { lock (_sync) { return field; } }
        set { lock (_sync) { field = value; } }
    } = true;

    /// <summary>Whether logging stopped after an unexpected error: Begin fails with <c>JET_errLogWriteFail</c>. Default off.</summary>
    public bool LogWriteFailed
    {
        get { lock (_sync) { return field; } }
        set { lock (_sync) { field = value; } }
    }

    /// <summary>Whether the log disk is full: Begin fails with <c>JET_errLogDiskFull</c>. Default off.</summary>
    public bool LogDiskFull
    {
        get { lock (_sync) { return field; } }
        set { lock (_sync) { field = value; } }
    }

    /// <summary>Whether a backup is in progress.</summary>
    public bool IsBackupInProgress
    {
        get { lock (_sync) { return _backup.InProgress; } }
    }

    /// <summary>The generation of the current log, from its header.</summary>
    public uint CurrentLogGeneration
    {
        get { lock (_sync) { return _logs.CurrentGeneration(); } }
    }

    /// <summary>The checkpoint's generation, from the checkpoint file.</summary>
    public uint CheckpointGeneration
    {
        get { lock (_sync) { return (uint)_logs.ReadCheckpoint().Generation; } }
    }

    /// <summary>Every call the model received, in order, with its result (empty when <see cref="EngineModelOptions.RecordCalls"/> is off).</summary>
    public IReadOnlyList<EngineCallRecord> Calls
    {
        get { lock (_sync) { return _calls.ToList(); } }
    }

    /// <summary>The backups this instance folder recorded (from the state file), oldest first.</summary>
    public IReadOnlyList<ModelBackupRecord> History
    {
        get { lock (_sync) { return _state.Backups.ToList(); } }
    }

    /// <summary>The full path of the archived log of <paramref name="generation"/> as the model names it.</summary>
    public string LogPath(uint generation) => _logs.ArchivePath(generation);

    private static bool DetectEightDotThree(string folder, string baseName, string extension)
    {
        foreach (var file in Directory.EnumerateFiles(folder, baseName + "*" + extension))
        {
            var digits = Path.GetFileName(file).Length - baseName.Length - extension.Length;
            if (digits == 5)
            {
                return true;
            }

            if (digits == 8)
            {
                return false;
            }
        }

        return extension == ".log";
    }

    private static List<ModelDatabase> DiscoverDatabases(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith(StateFileName, StringComparison.Ordinal) && Path.GetFileName(f) != LockFileName)
            .Order(StringComparer.Ordinal)
            .Where(ModelDatabase.IsAttached)
            .Select(f => ModelDatabase.Discover(f, folder))
            .ToList();

    private static string CallName(EngineCall call) => call switch
    {
        EngineCall.BeginExternalBackup => "JetBeginExternalBackupInstance",
        EngineCall.GetAttachInfo => "JetGetAttachInfoInstanceW",
        EngineCall.OpenFile => "JetOpenFileInstanceW",
        EngineCall.ReadFile => "JetReadFileInstance",
        EngineCall.CloseFile => "JetCloseFileInstance",
        EngineCall.GetLogInfo => "JetGetLogInfoInstance2W",
        EngineCall.GetTruncateLogInfo => "JetGetTruncateLogInfoInstanceW",
        EngineCall.TruncateLog => "JetTruncateLogInstance",
        EngineCall.EndExternalBackup => "JetEndExternalBackupInstance2",
        EngineCall.StopBackup => "JetStopBackupInstance",
        _ => call.ToString(),
    };

    /// <summary>Starts a call: counts it, applies an injected fault (with its consequences), then the §5.2 gate.</summary>
    private void Enter(EngineCall call, string argument)
    {
        _currentCall = call;
        _currentUse = ++_uses[(int)call];
        _currentArgument = argument;
        _currentRecorded = false;
        if (_faults.FaultFor(call, _currentUse) is { } injected)
        {
            ApplyInjectedFault(call, injected);
            Record(injected, injected: true);
            throw new EseException(CallName(call), injected, $"fault injected by the engine model on use {_currentUse} of {call}");
        }

        var gate = Condition switch
        {
            InstanceCondition.NotInitialized or InstanceCondition.InitInProgress => JetError.NotInitialized,
            InstanceCondition.TermInProgress => JetError.TermInProgress,
            InstanceCondition.RestoreInProgress => JetError.RestoreInProgress,
            InstanceCondition.Unavailable => JetError.InstanceUnavailable,
            InstanceCondition.UnavailableDueToFatalLogDiskFull => JetError.InstanceUnavailableDueToFatalLogDiskFull,
            InstanceCondition.StopServiceRequested => JetError.ClientRequestToStopJetService,
            _ => JetError.Success,
        };
        if (gate != JetError.Success)
        {
            throw Fail(gate, $"instance condition {Condition}");
        }
    }

    private void ApplyInjectedFault(EngineCall call, JetError error)
    {
        if (!_backup.InProgress)
        {
            return;
        }

        switch (call)
        {
            case EngineCall.OpenFile when _backup.Status == BackupStatus.Logs:
                EndOnError(error);
                break;
            case EngineCall.ReadFile when _backup.Open is { } open:
                if (_backup.Status == BackupStatus.Logs || open.Database is null)
                {
                    EndOnError(error);
                }
                else
                {
                    DropOpenDatabase();
                }

                break;
            case EngineCall.GetLogInfo or EngineCall.GetTruncateLogInfo when _backup.Prepared:
                EndOnError(error);
                break;
            case EngineCall.EndExternalBackup:
                _backup.Reset();
                break;
        }
    }

    private void Succeed() => Record(JetError.Success, injected: false);

    private void Record(JetError result, bool injected)
    {
        if (_currentRecorded)
        {
            return;
        }

        _currentRecorded = true;
        if (!_recordCalls)
        {
            return;
        }

        _calls.Add(new EngineCallRecord(_calls.Count + 1, _currentCall, _currentUse, _currentArgument, result, injected));
    }

    /// <summary>Records the failure of the current call and returns the exception to throw.</summary>
    private EseException Fail(JetError error, string? detail = null)
    {
        Record(error, injected: false);
        return new EseException(CallName(_currentCall), error, detail);
    }

    /// <summary>Wraps a call body: records success, or the failure of an I/O problem as <c>JET_errDiskIO</c>.</summary>
    private T Run<T>(EngineCall call, string argument, Func<T> body)
    {
        lock (_sync)
        {
            Enter(call, argument);
            try
            {
                var result = body();
                Succeed();
                return result;
            }
            catch (EseException e)
            {
                Record(e.Error, injected: false);
                throw;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw Fail(JetError.DiskIO, e.Message);
            }
        }
    }

    private void RequireRunningBackup(bool checkStop = true)
    {
        if (!_backup.InProgress)
        {
            throw Fail(JetError.NoBackup);
        }

        if (checkStop && _backup.StopRequested)
        {
            throw Fail(JetError.BackupAbortByServer);
        }
    }

    /// <summary>The engine's <c>ErrBKExternalBackupCleanUp</c> after a log-phase error: the backup ends.</summary>
    private void EndOnError(JetError error)
    {
        _ = error;
        _backup.Reset();
    }
}
