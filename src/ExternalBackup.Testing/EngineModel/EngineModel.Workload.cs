using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <summary>The offset of a database page's DBTIME (ese-formats.md §3).</summary>
    private const int PageDbTimeOffset = 8;

    private SyntheticRandom _workloadRandom;
    private int _workloadReads;
    private WorkloadActivity _activity;

    /// <summary>What the live workload did so far (all zero without <see cref="EngineModelOptions.Workload"/>).</summary>
    public WorkloadActivity WorkloadActivity
    {
        get { lock (_sync) { return _activity; } }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of the live workload now, as time passing between backups would (pages
    /// rewritten, logs rolled, the checkpoint advanced).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no <see cref="EngineModelOptions.Workload"/>.</exception>
    public void RunWorkload(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        lock (_sync)
        {
            if (_workload is null)
            {
                throw new InvalidOperationException("The engine model has no live workload (EngineModelOptions.Workload).");
            }

            for (var i = 0; i < steps; i++)
            {
                WorkloadStep(_workload);
            }
        }
    }

    /// <summary>Counts a ReadFile and runs a step when one is due (before the read: never while a range is locked).</summary>
    private void TickWorkload()
    {
        if (_workload is { } workload && ++_workloadReads % workload.ReadsPerStep == 0)
        {
            WorkloadStep(workload);
        }
    }

    private void WorkloadStep(LiveWorkload workload)
    {
        foreach (var db in _databases)
        {
            if (db.Attachment != DatabaseAttachment.ForRecovery && db.LastPgno > 0)
            {
                for (var i = 0; i < workload.PagesPerStep; i++)
                {
                    RewritePage(db, (uint)(_workloadRandom.Next((int)Math.Min(db.LastPgno, int.MaxValue)) + 1));
                }
            }
        }

        _activity = _activity with { Steps = _activity.Steps + 1 };
        if (_activity.Steps % workload.StepsPerLogRoll == 0)
        {
            if (workload.PagesAddedPerLogRoll > 0)
            {
                foreach (var db in _databases.Where(d => d.Attachment != DatabaseAttachment.ForRecovery))
                {
                    using var handle = File.OpenHandle(db.FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                    RandomAccess.SetLength(handle, RandomAccess.GetLength(handle) + ((long)workload.PagesAddedPerLogRoll * db.PageSize));
                }
            }

            var rolled = _logs.Roll(_time.GetUtcNow());
            _activity = _activity with { LogRolls = _activity.LogRolls + 1 };
            var checkpoint = _logs.ReadCheckpoint();
            var target = (int)rolled - workload.CheckpointLag;
            if (target > checkpoint.Generation)
            {
                _logs.WriteCheckpoint(new LogPosition(target, _logs.HeaderSectors(), 0));
            }

            if (_circularLogging && !_backup.InProgress)
            {
                // Circular logging deletes the logs recovery no longer needs; suspended while a backup runs (§5.8).
                var needed = (uint)_logs.ReadCheckpoint().Generation;
                foreach (var g in _logs.ArchivedGenerations().Where(g => g < needed))
                {
                    File.Delete(_logs.ArchivePath(g));
                }
            }
        }
    }

    /// <summary>Writes a page again as the engine's buffer manager would flush it: DBTIME + 1, checksum resealed.</summary>
    private void RewritePage(ModelDatabase db, uint pgno)
    {
        var page = new byte[db.PageSize];
        var offset = ((long)pgno + 1) * db.PageSize;
        using var handle = File.OpenHandle(db.FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (RandomAccess.Read(handle, page, offset) != page.Length || PageChecksum.VerifyPage(page, pgno).Status != PageChecksumStatus.Ok)
        {
            return;
        }

        var span = page.AsSpan(PageDbTimeOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(span, BinaryPrimitives.ReadUInt64LittleEndian(span) + 1);
        PageChecksum.WritePage(page, pgno, eccFormat: PageChecksum.HasEccFormat(page) || page.Length > 8192);
        RandomAccess.Write(handle, page, offset);
        _activity = _activity with { PagesWritten = _activity.PagesWritten + 1 };
    }
}
