using ExternalBackup.Engine;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Sinks.FileSystem;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <inheritdoc />
    /// <remarks>
    /// Checks in the engine's order (§5.3): backup not allowed yet, logging disabled, log write failure, grbits
    /// other than <see cref="BackupGrbits.Incremental"/> (<c>JET_errInvalidGrbit</c>; the engine-internal
    /// surrogate and internal-copy bits are not modelled), incremental with circular logging
    /// (<c>JET_errInvalidBackup</c>), log disk full, a backup in progress, and for an incremental a database
    /// without a previous normal full backup in its header (<c>JET_errMissingFullBackup</c>). A full backup records
    /// the checkpoint generation as the first log to copy. No log roll happens here. A backup of the same folder
    /// running in another model or process (holding <see cref="LockPath"/>) is a backup in progress too.
    /// </remarks>
    public void BeginExternalBackup(BackupGrbits grbits) => Run(EngineCall.BeginExternalBackup, grbits.ToString(), () =>
    {
        if (Condition == InstanceCondition.BackupNotAllowedYet)
        {
            throw Fail(JetError.BackupNotAllowedYet);
        }

        if (!LoggingEnabled)
        {
            throw Fail(JetError.LoggingDisabled);
        }

        if (LogWriteFailed)
        {
            throw Fail(JetError.LogWriteFail);
        }

        if ((grbits & ~BackupGrbits.Incremental) != 0)
        {
            throw Fail(JetError.InvalidGrbit, $"grbit 0x{(uint)grbits:x}");
        }

        var incremental = grbits.HasFlag(BackupGrbits.Incremental);
        if (incremental && _circularLogging)
        {
            throw Fail(JetError.InvalidBackup, "incremental backup with circular logging on");
        }

        if (LogDiskFull)
        {
            throw Fail(JetError.LogDiskFull);
        }

        if (_backup.InProgress)
        {
            throw Fail(JetError.BackupInProgress);
        }

        // §5.1: one backup per instance, also across processes: an OS lock on the instance's lock file, held until
        // the backup ends and released by the OS when the process dies.
        var instanceLock = TryLockInstance(out var heldBecause)
            ?? throw Fail(JetError.BackupInProgress, $"another model or process is backing up this instance ({heldBecause})");
        try
        {
            if (incremental)
            {
                // §5.3: every attached logged database needs a previous normal full backup.
                foreach (var db in LoggedDatabases)
                {
                    var header = db.ReadHeaderFields();
                    if (header.PreviousFullBackup.GenLow == 0 || header.PreviousFullBackupType != BackupInfoType.Normal)
                    {
                        throw Fail(JetError.MissingFullBackup, $"{db.FullPath} has no previous normal full backup in its header");
                    }
                }
            }
        }
        catch
        {
            instanceLock.Dispose();
            throw;
        }

        var now = _time.GetUtcNow();
        _backup.Reset();
        _backup.InProgress = true;
        _backup.InstanceLock = instanceLock;
        _backup.StopRequested = false;
        _backup.Full = !incremental;
        _backup.BeginTime = now;
        // §5.3: m_lgposFullBackupMark is the log tip, where the Begin record goes.
        _backup.BeginMark = _logs.Tip();
        if (incremental)
        {
            _backup.Status = BackupStatus.Logs;
            _backup.Session.UnionWith(LoggedDatabases);
        }
        else
        {
            _backup.Status = BackupStatus.Databases;
            _backup.CopyMic = (uint)_logs.ReadCheckpoint().Generation;
        }

        return 0;
    });

    /// <summary>The lock file a running backup holds (one backup per instance across models and processes); deleted when the backup ends.</summary>
    public string LockPath => Path.Combine(InstanceFolder, LockFileName);

    /// <summary>How the instance folder's lock names it: "another backup of the instance is running in F", "the instance folder F is read-only".</summary>
    private static readonly LockedFolder InstanceFolderLock = new("instance folder", "another backup of the instance is running in");

    /// <summary>
    /// Takes the instance's lock with the destinations' one-writer lock (<see cref="DirectoryLock"/>: flock on Linux,
    /// share mode elsewhere; released by the OS when the process dies, the file deleted when released), or returns
    /// why it is held.
    /// </summary>
    private DirectoryLock? TryLockInstance(out string? heldBecause)
    {
        try
        {
            heldBecause = null;
            return DirectoryLock.Acquire(InstanceFolder, LockFileName, InstanceFolderLock);
        }
        catch (IOException e)
        {
            heldBecause = e.Message;
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>JET_errNoBackup</c>, <c>JET_errBackupAbortByServer</c>, or <c>JET_errInvalidBackupSequence</c> for an
    /// incremental backup; the backup goes on. Lists the logged databases only: those attached for recovery or
    /// without recovery are left out (§5.4).
    /// </remarks>
    public IReadOnlyList<string> GetAttachInfo() => Run(EngineCall.GetAttachInfo, string.Empty, () =>
    {
        RequireRunningBackup();
        if (!_backup.Full)
        {
            throw Fail(JetError.InvalidBackupSequence, "attach info is only for full backups");
        }

        // §5.4: every attached, logged database not attached for recovery.
        return (IReadOnlyList<string>)LoggedDatabases.Select(d => d.FullPath).ToList();
    });

    /// <inheritdoc />
    /// <remarks>Sets the stop flag even with no backup running; the next Begin clears it.</remarks>
    public void StopBackup() => Run(EngineCall.StopBackup, string.Empty, () =>
    {
        _backup.StopRequested = true;
        return 0;
    });
}
