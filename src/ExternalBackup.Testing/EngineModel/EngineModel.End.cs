using ExternalBackup.Engine;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Manifest;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <inheritdoc />
    /// <remarks>
    /// Exactly one of <see cref="EndBackupGrbits.Normal"/> and <see cref="EndBackupGrbits.Abort"/>, else
    /// <c>JET_errInvalidParameter</c>; no backup gives <c>JET_errNoBackup</c>. Normal is downgraded to an abort
    /// when StopBackup was called or the backup is still in its database phase. A normal end updates the headers
    /// (primary and shadow, resealed) of the databases in the backup (§5.9): a full backup's fully copied
    /// databases get bkinfoFullPrev when logs were truncated (TruncateLog or
    /// <see cref="EndBackupGrbits.TruncateDone"/>) and also lose IncPrev/DiffPrev/SnapshotCur, else
    /// bkinfoCopyPrev; an incremental's get bkinfoIncPrev when truncated, else bkinfoDiffPrev; the update is
    /// skipped when the stored mark is newer and with <see cref="EndBackupGrbits.NoDbHeaderUpdate"/>. The backup
    /// is recorded in the state file's history. Every end returns success, as the engine's does.
    /// </remarks>
    public void EndExternalBackup(EndBackupGrbits grbits) => Run(EngineCall.EndExternalBackup, grbits.ToString(), () =>
    {
        var normal = grbits.HasFlag(EndBackupGrbits.Normal);
        if (normal == grbits.HasFlag(EndBackupGrbits.Abort))
        {
            throw Fail(JetError.InvalidParameter, $"grbit 0x{(uint)grbits:x} must hold exactly one of Normal and Abort");
        }

        if (!_backup.InProgress)
        {
            throw Fail(JetError.NoBackup);
        }

        // §5.9: Normal is downgraded only when StopBackup was called or the status is still Databases. An incremental
        // is in the log phase from Begin, so its normal end updates the headers even without a log-info call (with
        // genLow = copyMic = 0, genHigh = copyMac - 1 and the zero PrepareLogs mark, as the engine's fields are then).
        var succeeded = normal && !_backup.StopRequested && _backup.Status != BackupStatus.Databases;
        if (succeeded)
        {
            var truncated = _backup.LogsTruncated || grbits.HasFlag(EndBackupGrbits.TruncateDone);
            var updated = grbits.HasFlag(EndBackupGrbits.NoDbHeaderUpdate) ? [] : UpdateHeaders(truncated);
            var kind = (_backup.Full, truncated) switch
            {
                (true, true) => BackupKind.Full,
                (true, false) => BackupKind.Copy,
                (false, true) => BackupKind.Incremental,
                (false, false) => BackupKind.Differential,
            };
            _state.Backups.Add(new ModelBackupRecord(kind, _backup.CopyMic, _backup.CopyMac - 1, _backup.BeginTime, updated));
            _state.Save(_statePath);
        }

        _backup.Reset();
        return 0;
    });

    private List<string> UpdateHeaders(bool truncated)
    {
        var updated = new List<string>();
        // §5.9: each attached logged database in the backup session.
        foreach (var db in LoggedDatabases)
        {
            LogPosition mark;
            DateTimeOffset markTime;
            if (_backup.Full)
            {
                if (!_backup.CopyDone.Contains(db) || !_backup.Session.Contains(db))
                {
                    continue;
                }

                (mark, markTime) = (_backup.BeginMark, _backup.BeginTime);
            }
            else
            {
                if (!_backup.Session.Contains(db))
                {
                    continue;
                }

                (mark, markTime) = (_backup.PrepareMark, _backup.PrepareTime);
            }

            var page = db.ReadHeader();
            var header = DatabaseHeader.Parse(page);
            // §5.9: the update happens only if the stored mark is not newer than this backup's.
            if (PreviousBackup(header, _backup.Full, truncated).Mark.CompareTo(mark) > 0)
            {
                continue;
            }

            var record = new BackupInfo(mark, LogTime.FromDateTime(markTime.UtcDateTime), _backup.CopyMic, _backup.CopyMac - 1);
            RecordPreviousBackup(header, _backup.Full, truncated, record);
            if (_backup.Full && truncated)
            {
                header.PreviousIncrementalBackup = default;
                header.PreviousDifferentialBackup = default;
                header.CurrentSnapshotBackup = default;
                header.PreviousIncrementalBackupType = BackupInfoType.Normal;
                header.PreviousDifferentialBackupType = BackupInfoType.Normal;
            }

            ModelDatabase.Seal(page, header);
            db.WriteHeader(page);
            updated.Add(db.RelativePath);
        }

        return updated;
    }

    /// <summary>The header's record of the last backup of this kind: full or copy, incremental or differential.</summary>
    private static BackupInfo PreviousBackup(DatabaseHeader header, bool full, bool truncated) => (full, truncated) switch
    {
        (true, true) => header.PreviousFullBackup,
        (true, false) => header.PreviousCopyBackup,
        (false, true) => header.PreviousIncrementalBackup,
        (false, false) => header.PreviousDifferentialBackup,
    };

    /// <summary>Records a finished backup of this kind (a normal, not a snapshot, backup).</summary>
    private static void RecordPreviousBackup(DatabaseHeader header, bool full, bool truncated, BackupInfo record)
    {
        switch (full, truncated)
        {
            case (true, true):
                header.PreviousFullBackup = record;
                header.PreviousFullBackupType = BackupInfoType.Normal;
                break;
            case (true, false):
                header.PreviousCopyBackup = record;
                header.PreviousCopyBackupType = BackupInfoType.Normal;
                break;
            case (false, true):
                header.PreviousIncrementalBackup = record;
                header.PreviousIncrementalBackupType = BackupInfoType.Normal;
                break;
            case (false, false):
                header.PreviousDifferentialBackup = record;
                header.PreviousDifferentialBackupType = BackupInfoType.Normal;
                break;
        }
    }
}
