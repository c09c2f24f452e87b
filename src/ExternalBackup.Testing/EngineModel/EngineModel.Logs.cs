using ExternalBackup.Engine;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <inheritdoc />
    /// <remarks>
    /// The first log-info call of a backup rolls the log: the current log (generation G) is renamed to its
    /// archived name and a new current log of generation G + 1 is written (and, unless
    /// <see cref="EngineModelOptions.CheckpointFollowsRoll"/> is off, the checkpoint moves to it). The range is
    /// [genLow, genHigh] with genLow = the checkpoint generation read at Begin (full) or the lowest log on disk
    /// (incremental) and genHigh = G. A file still open gives <c>JET_errInvalidBackupSequence</c>. The backup is
    /// now in its log phase.
    /// </remarks>
    public BackupLogInfo GetLogInfo() => Run(EngineCall.GetLogInfo, string.Empty, () =>
    {
        PrepareLogs();
        var files = LogPaths(_backup.CopyMic, _backup.CopyMac);
        return new BackupLogInfo(files, new JetLogInfo(_backup.CopyMic, _backup.CopyMac - 1, _logs.BaseName));
    });

    /// <inheritdoc />
    /// <remarks>Prepares the logs like <see cref="GetLogInfo"/>, then lists [deleteMic, deleteMac) (§5.8).</remarks>
    public IReadOnlyList<string> GetTruncateLogInfo() => Run(EngineCall.GetTruncateLogInfo, string.Empty, () =>
    {
        PrepareLogs();
        return LogPaths(_backup.DeleteMic, _backup.DeleteMac);
    });

    /// <inheritdoc />
    /// <remarks>
    /// <c>JET_errInvalidBackupSequence</c> while a file is open or before a log-info call;
    /// <c>JET_errLogFileNotCopied</c> until every listed log was read to the end and closed (the engine's sum of
    /// generations). Then deletes the archived logs [deleteMic, deleteMac) in increasing order, never the current
    /// log; files already missing are skipped. Deletions are not undone by a later abort.
    /// </remarks>
    public void TruncateLog() => Run(EngineCall.TruncateLog, string.Empty, () =>
    {
        RequireRunningBackup();
        if (_backup.Open is not null)
        {
            throw Fail(JetError.InvalidBackupSequence, $"{_backup.Open.Path} is still open");
        }

        if (_backup.CopyMic == 0 || _backup.CopyMac == 0)
        {
            throw Fail(JetError.InvalidBackupSequence, "no log-info call yet");
        }

        _backup.Status = BackupStatus.Logs;
        ulong expected = 0;
        for (var g = _backup.CopyMic; g < _backup.CopyMac; g++)
        {
            expected += g;
        }

        if (_backup.CopiedGenerationSum < expected)
        {
            throw Fail(JetError.LogFileNotCopied, $"logs {_backup.CopyMic}..{_backup.CopyMac - 1} were not all read to the end and closed");
        }

        _backup.LogsTruncated = true;
        var current = _logs.CurrentGeneration();
        for (var g = _backup.DeleteMic; g < _backup.DeleteMac && g < current; g++)
        {
            var path = _logs.ArchivePath(g);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }

        return 0;
    });

    private List<string> LogPaths(uint from, uint to)
    {
        var files = new List<string>();
        for (var g = from; g < to; g++)
        {
            files.Add(_logs.ArchivePath(g));
        }

        return files;
    }

    /// <summary>The engine's <c>ErrBKIPrepareLogInfo</c> / <c>ErrBKIPrepareLogFiles</c> (§5.8).</summary>
    private void PrepareLogs()
    {
        RequireRunningBackup();
        if (_backup.Open is not null)
        {
            throw Fail(JetError.InvalidBackupSequence, $"{_backup.Open.Path} is still open");
        }

        if (!_backup.Prepared)
        {
            if (_backup.RolledTo == 0)
            {
                var now = _time.GetUtcNow();
                _backup.RolledTo = _logs.Roll(now);
                _backup.PrepareMark = new LogPosition((int)_backup.RolledTo, _logs.HeaderSectors(), 0);
                _backup.PrepareTime = now;
                if (_checkpointFollowsRoll)
                {
                    _logs.WriteCheckpoint(_backup.PrepareMark);
                }
            }

            var copyMac = _backup.RolledTo;
            var archived = _logs.ArchivedGenerations();
            var deleteMic = archived.Count > 0 ? archived[0] : 0u;
            if (deleteMic == 0)
            {
                throw Fail(JetError.FileNotFound, $"no archived log {_logs.BaseName}*{_logs.Extension} in {InstanceFolder}");
            }

            if (!_backup.Full)
            {
                foreach (var db in _backup.Session)
                {
                    var header = db.ReadHeaderFields();
                    var high = Math.Max(header.PreviousFullBackup.GenHigh, header.PreviousIncrementalBackup.GenHigh);
                    if (deleteMic > high + 1)
                    {
                        throw Fail(JetError.MissingFileToBackup, $"the lowest log on disk is {deleteMic} but {db.FullPath} was last backed up to generation {high}");
                    }
                }
            }

            var deleteMac = Math.Min((uint)_logs.ReadCheckpoint().Generation, copyMac);
            if (_backup.Full)
            {
                // §5.8 step 5: lowered to FullPrev.genHigh of every attached logged database whose copy is not finished.
                foreach (var db in LoggedDatabases)
                {
                    if (!_backup.CopyDone.Contains(db))
                    {
                        deleteMac = Math.Min(deleteMac, db.ReadHeaderFields().PreviousFullBackup.GenHigh);
                    }
                }

                deleteMic = Math.Min(deleteMic, deleteMac);
            }
            else
            {
                _backup.CopyMic = deleteMic;
            }

            _backup.CopyMac = copyMac;
            _backup.DeleteMic = deleteMic;
            _backup.DeleteMac = deleteMac;
            _backup.Prepared = true;
        }

        _backup.Status = BackupStatus.Logs;
    }
}
