using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Pipeline;

namespace ExternalBackup.Tests.Restore;

/// <summary>Restore and verification report their progress from their one loop: bytes and files never down, every file named, the last report complete.</summary>
public sealed class ReadBackProgressTests
{
    [Test]
    public async Task RestoreReportsAreInOrderWithMonotoneBytesAndEndCompleted()
    {
        using var scratch = new ScratchDirectory("restore-progress");
        var (backups, manifests) = await ChainAsync(scratch);
        var progress = new ProgressRecorder<RestoreProgress>();
        await using var repository = new DirectoryRepository(backups);

        var plan = await ChainRestore.RestoreAsync(repository, scratch.Sub("target"), null, null, progress, CancellationToken.None);

        var reports = progress.Reports;
        var restored = Directory.GetFiles(scratch.Sub("target"), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != RestorePlan.FileName).ToList();
        var bytes = restored.Sum(f => new FileInfo(f).Length);
        Assert.That(plan.Sets, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            AssertMonotone(reports.Select(r => (r.BytesDone, r.FilesDone, (int)r.Phase)).ToList());
            Assert.That(reports.Select(r => r.BytesTotal).Distinct(), Is.EqualTo(new[] { bytes }), "the total is known before the first byte");
            Assert.That(reports.Select(r => r.FilesTotal).Distinct(), Is.EqualTo(new[] { restored.Count }));
            Assert.That(reports.Select(r => r.BytesDone), Has.Some.InRange(1, bytes - 1), "progress while copying, not only at the end");
            Assert.That(reports.Select(r => r.Phase).Distinct(), Is.EqualTo(new[] { RestorePhase.Copying, RestorePhase.Committing, RestorePhase.Completed }));
            Assert.That(reports[^1], Is.EqualTo(new RestoreProgress(RestorePhase.Completed, restored.Count, restored.Count, bytes, bytes, reports[^1].CurrentFile)));
            foreach (var file in manifests[0].Files.Where(f => f.Kind == BackupFileKind.Database))
            {
                Assert.That(reports.Select(r => r.CurrentFile), Has.Some.EndsWith(": " + file.Path), $"{file.Path} is never the current file");
            }
        });
    }

    [Test]
    public async Task VerificationReportsAreInOrderWithMonotoneBytesAndEndWithEverySetDone()
    {
        using var scratch = new ScratchDirectory("verify-progress");
        var (backups, manifests) = await ChainAsync(scratch);
        var progress = new ProgressRecorder<VerificationProgress>();
        await using var repository = new DirectoryRepository(backups);

        var result = await ChainRestore.VerifyAsync(repository, null, null, progress, CancellationToken.None);

        var reports = progress.Reports;
        var bytes = manifests.Sum(m => m.Files.Sum(f => f.Bytes));
        var files = manifests.Sum(m => m.Files.Count);
        Assert.That(result.Ok, Is.True, string.Join("\n", result.AllProblems));
        Assert.Multiple(() =>
        {
            AssertMonotone(reports.Select(r => (r.BytesDone, r.FilesDone, r.SetsDone)).ToList());
            Assert.That(reports.Select(r => r.BytesTotal).Distinct(), Is.EqualTo(new[] { bytes }));
            Assert.That(reports.Select(r => r.BytesDone), Has.Some.InRange(1, bytes - 1));
            Assert.That(reports.Count(r => r.SetsDone == r.SetsTotal), Is.EqualTo(1), "only the last report has every set done");
            Assert.That(reports[^1], Is.EqualTo(new VerificationProgress(2, 2, files, files, bytes, bytes, reports[^1].CurrentFile)));
            foreach (var (manifest, name) in manifests.Zip(Directory.GetDirectories(backups).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order()))
            {
                foreach (var file in manifest.Files)
                {
                    Assert.That(reports.Select(r => r.CurrentFile), Has.Some.EqualTo($"{name}: {file.Path}"));
                }
            }
        });
    }

    /// <summary>A full and an incremental set of a synthetic instance whose database takes several buffers to read.</summary>
    internal static async Task<(string Backups, IReadOnlyList<BackupManifest> Manifests)> ChainAsync(ScratchDirectory scratch)
    {
        var instance = await ProgressInstance.WriteAsync(scratch.Sub("instance"));
        var backups = scratch.Sub("backups");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var manifests = new List<BackupManifest>();
        var engine = EngineModel.Open(instance);
        foreach (var kind in new[] { BackupKind.Full, BackupKind.Incremental })
        {
            await using var sink = new DirectorySink(backups);
            manifests.Add((await new StreamingBackup(engine, sink, new StreamingBackupOptions { TimeProvider = time }).RunAsync(kind)).Manifest);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        return (backups, manifests);
    }

    private static void AssertMonotone(IReadOnlyList<(long Bytes, int Files, int Step)> reports)
    {
        Assert.That(reports, Is.Not.Empty);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.That(reports[i].Bytes, Is.GreaterThanOrEqualTo(reports[i - 1].Bytes), $"report {i}: bytes went down");
            Assert.That(reports[i].Files, Is.GreaterThanOrEqualTo(reports[i - 1].Files), $"report {i}: files went down");
            Assert.That(reports[i].Step, Is.GreaterThanOrEqualTo(reports[i - 1].Step), $"report {i}: went back");
        }
    }
}
