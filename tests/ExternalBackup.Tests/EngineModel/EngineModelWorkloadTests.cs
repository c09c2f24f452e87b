using ExternalBackup.Engine;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.EngineModel;
using Microsoft.Extensions.Time.Testing;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>The live instance: a deterministic workload runs while the model serves a backup (issue 16, item 2).</summary>
public class EngineModelWorkloadTests
{
    internal static EngineModelOptions Live(LiveWorkload? workload = null) => new() { Workload = workload ?? new LiveWorkload() };

    [Test]
    public void Pages_are_rewritten_logs_roll_and_the_checkpoint_advances_behind_the_tip_while_a_full_backup_streams()
    {
        using var xp = new XpInstance();
        var model = xp.Open(Live());
        var small = xp.PathOf(SmallDb);
        var before = File.ReadAllBytes(small);
        var checkpointAtBegin = model.CheckpointGeneration;

        var sizeAtOpen = new FileInfo(small).Length;
        var files = Backup(model, incremental: false, truncate: false, out var logInfo);
        Assert.That(files[small], Has.Length.EqualTo(sizeAtOpen + 4096), "streamed up to its size at OpenFile, plus the trailer");
        Assert.That(new FileInfo(small).Length, Is.GreaterThan(sizeAtOpen), "the database grew while the backup ran");

        var activity = model.WorkloadActivity;
        Assert.That(activity.PagesWritten, Is.GreaterThan(0));
        Assert.That(activity.LogRolls, Is.GreaterThan(1));
        Assert.That(File.ReadAllBytes(small), Is.Not.EqualTo(before), "the database changed while it was streamed");
        Assert.That(model.CheckpointGeneration, Is.EqualTo(model.CurrentLogGeneration - LiveWorkload.DefaultCheckpointLag), "the checkpoint follows the tip at its lag");

        // The set runs from the checkpoint at Begin to the generation before the backup's own roll.
        Assert.That(logInfo.Info.GenLow, Is.EqualTo(checkpointAtBegin));
        Assert.That(logInfo.Info.GenHigh, Is.GreaterThan(131u + 1), "the workload rolled generations during the database phase");
        Assert.That(logInfo.Files, Has.Count.EqualTo(logInfo.Info.GenHigh - logInfo.Info.GenLow + 1));
        foreach (var log in logInfo.Files)
        {
            var verifier = new LogFileVerifier(log);
            verifier.Append(files[log]);
            Assert.That(verifier.Complete().Ok, Is.True, $"{log} is a valid log");
        }

        // Every page streamed verifies (rewritten pages were resealed), and the trailer names a range the set covers.
        foreach (var db in new[] { SmallDb, LargeDb })
        {
            var stream = files[xp.PathOf(db)];
            for (var p = 2; p < (stream.Length / 4096) - 1; p++)
            {
                Assert.That(PageChecksum.VerifyPage(stream.AsSpan(p * 4096, 4096), (uint)(p - 1)).IsGood, Is.True, $"{db} page {p - 1}");
            }

            var trailer = TrailerPage.Parse(stream.AsSpan(stream.Length - 4096));
            Assert.That(trailer.Backup.GenLow, Is.EqualTo(checkpointAtBegin), $"{db} trailer genLow");
            Assert.That(trailer.Backup.GenHigh, Is.InRange(checkpointAtBegin, logInfo.Info.GenHigh), $"{db} trailer genHigh is in the set");
        }
    }

    [Test]
    public void The_workload_is_deterministic()
    {
        string Run()
        {
            using var xp = new XpInstance();
            var options = Live(new LiveWorkload { Seed = 7, PagesPerStep = 5 });
            options.TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
            var model = xp.Open(options);
            var files = Backup(model, incremental: false, truncate: true, out var logInfo);
            model.RunWorkload(5);
            var hashes = files.OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => $"{Path.GetRelativePath(xp.Folder, f.Key)}={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Value))}");
            var folder = Directory.GetFiles(xp.Folder, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(EngineModel.StateFileName, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetRelativePath(xp.Folder, f)}={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}");
            return $"{logInfo.Info} {model.WorkloadActivity}\n{string.Join('\n', hashes)}\n{string.Join('\n', folder)}";
        }

        Assert.That(Run(), Is.EqualTo(Run()));
    }

    [Test]
    public void Truncation_stops_below_the_checkpoint_and_an_incremental_after_more_work_continues_without_a_gap()
    {
        using var xp = new XpInstance();
        var model = xp.Open(Live());
        Backup(model, incremental: false, truncate: true, out var full);
        var lowestLeft = Directory.GetFiles(xp.Folder, "edb0*.log").Select(f => Convert.ToUInt32(Path.GetFileNameWithoutExtension(f)[3..], 16)).Min();
        Assert.That(lowestLeft, Is.LessThanOrEqualTo(full.Info.GenHigh + 1), "the log after the set is still there");

        model.RunWorkload(6);
        Backup(model, incremental: true, truncate: true, out var incremental);
        Assert.That(incremental.Info.GenLow, Is.LessThanOrEqualTo(full.Info.GenHigh + 1), "no gap between the full and the incremental");
        Assert.That(incremental.Info.GenHigh, Is.GreaterThan(full.Info.GenHigh + 3));
    }

    [Test]
    public void Circular_logging_deletes_logs_below_the_checkpoint_only_while_no_backup_runs()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new EngineModelOptions { CircularLogging = true, Workload = new LiveWorkload { StepsPerLogRoll = 1 } });
        model.BeginExternalBackup(BackupGrbits.None);
        model.RunWorkload(3);
        Assert.That(File.Exists(model.LogPath(126)), Is.True, "suspended while a backup runs (§5.8)");
        model.EndExternalBackup(EndBackupGrbits.Abort);
        model.RunWorkload(1);
        Assert.That(Directory.GetFiles(xp.Folder, "edb0*.log").Select(f => Convert.ToUInt32(Path.GetFileNameWithoutExtension(f)[3..], 16)),
            Is.All.GreaterThanOrEqualTo(model.CheckpointGeneration));
    }

    [Test]
    public void Running_a_workload_needs_one()
    {
        using var xp = new XpInstance();
        Assert.Throws<InvalidOperationException>(() => xp.Open().RunWorkload(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => xp.Open(Live(new LiveWorkload { ReadsPerStep = 0 })));
    }
}
