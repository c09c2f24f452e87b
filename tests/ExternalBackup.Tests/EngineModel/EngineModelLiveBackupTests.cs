using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>What the pipeline makes of a live instance (issue 16, item 2): whole sets, trailers that say so, chains without gaps.</summary>
public class EngineModelLiveBackupTests
{
    private static async Task<BackupResult> BackupAsync(EngineModel model, string destination, BackupKind kind, string setId)
    {
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true });
        return await new StreamingBackup(model, sink, new StreamingBackupOptions { SetId = setId }).RunAsync(kind);
    }

    private static long[] Generations(BackupManifest manifest) =>
        manifest.Files.Where(f => f.Kind == BackupFileKind.Log).Select(f => f.Generation!.Value).Order().ToArray();

    /// <summary>
    /// The restored instance is consistent: every generation from the plan's low to its high is there and verifies,
    /// each log's previous-generation time is the one before's creation time, every database page verifies, and
    /// each database's trailer asks for a range of logs the restore holds.
    /// </summary>
    private static void AssertRestoreIsConsistent(RestorePlan plan)
    {
        Assert.That(plan.GenLow, Is.Not.Null);
        LogFileHeader? previous = null;
        for (var g = plan.GenLow!.Value; g <= plan.GenHigh!.Value; g++)
        {
            var path = Path.Combine(plan.LogFolder, LogFileName.Format(plan.LogBaseName!, (int)g, eightDigits: false, ".log"));
            Assert.That(File.Exists(path), Is.True, $"generation {g} restored ({path})");
            var verifier = new LogFileVerifier(path);
            verifier.Append(File.ReadAllBytes(path));
            var result = verifier.Complete();
            Assert.That(result.Ok, Is.True, $"{path}: {string.Join("; ", result.Problems)}");
            Assert.That(result.Generation, Is.EqualTo(g));
            if (previous is not null)
            {
                Assert.That(result.Header!.PreviousGenerationTime, Is.EqualTo(previous.CreateTime), $"generation {g} follows {g - 1}");
            }

            previous = result.Header;
        }

        foreach (var db in plan.Databases)
        {
            var bytes = File.ReadAllBytes(db.RestoredPath);
            var pageSize = DatabaseHeader.Parse(bytes).PageSize;
            for (var p = 2; p < (bytes.Length / pageSize) - 1; p++)
            {
                Assert.That(PageChecksum.VerifyPage(bytes.AsSpan(p * pageSize, pageSize), (uint)(p - 1)).IsGood, Is.True, $"{db.RestoredPath} page {p - 1}");
            }

            var trailer = TrailerPage.Parse(bytes.AsSpan(bytes.Length - pageSize));
            Assert.That(trailer.Backup.GenLow, Is.GreaterThanOrEqualTo(plan.GenLow.Value), $"{db.RestoredPath}: trailer genLow");
            Assert.That(trailer.Backup.GenHigh, Is.LessThanOrEqualTo(plan.GenHigh.Value), $"{db.RestoredPath}: trailer genHigh");
        }
    }

    [Test]
    public async Task A_full_set_of_a_live_instance_holds_every_generation_from_the_checkpoint_at_Begin_and_restores_consistently()
    {
        using var xp = new XpInstance();
        using var scratch = new ScratchDirectory("live-full");
        var model = xp.Open(EngineModelWorkloadTests.Live());
        var checkpointAtBegin = model.CheckpointGeneration;
        var destination = scratch.Sub("backups");

        var result = await BackupAsync(model, destination, BackupKind.Full, "full");

        Assert.That(model.WorkloadActivity.LogRolls, Is.GreaterThan(1), "logs rolled while the set was made");
        var generations = Generations(result.Manifest);
        var listed = model.Calls.Last(c => c.Call == Testing.EngineModel.EngineCall.GetLogInfo);
        Assert.That(listed.Result, Is.EqualTo(Engine.JetError.Success));
        Assert.That(generations[0], Is.EqualTo(checkpointAtBegin));
        Assert.That(generations, Is.EqualTo(Enumerable.Range((int)checkpointAtBegin, generations.Length).Select(g => (long)g)), "contiguous");
        Assert.That(result.Manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(checkpointAtBegin, generations[^1])));
        Assert.That(model.History.Single().GenHigh, Is.EqualTo((uint)generations[^1]), "the last generation listed is in the set");

        var plan = await ChainRestore.RestoreAsync(destination, scratch.Sub("restored"), null, CancellationToken.None);
        Assert.That((plan.GenLow, plan.GenHigh), Is.EqualTo(((long?)checkpointAtBegin, (long?)generations[^1])));
        Assert.That(plan.Databases, Has.Count.EqualTo(2));
        AssertRestoreIsConsistent(plan);
    }

    [Test]
    public async Task A_chain_of_full_and_incrementals_taken_during_a_workload_has_no_gap()
    {
        using var xp = new XpInstance();
        using var scratch = new ScratchDirectory("live-chain");
        var destination = scratch.Sub("backups");
        var workload = new LiveWorkload { StepsPerLogRoll = 1, CheckpointLag = 2 };
        var model = xp.Open(EngineModelWorkloadTests.Live(workload));

        var sets = new List<BackupResult> { await BackupAsync(model, destination, BackupKind.Full, "full") };
        for (var i = 1; i <= 3; i++)
        {
            model.RunWorkload(3 * i);
            sets.Add(await BackupAsync(model, destination, BackupKind.Incremental, $"inc-{i}"));
        }

        for (var i = 1; i < sets.Count; i++)
        {
            var before = Generations(sets[i - 1].Manifest);
            var now = Generations(sets[i].Manifest);
            Assert.That(now[0], Is.LessThanOrEqualTo(before[^1] + 1), $"{sets[i].Manifest.SetId} continues {sets[i - 1].Manifest.SetId}");
            Assert.That(now[^1], Is.GreaterThan(before[^1]));
            Assert.That(sets[i].Manifest.Extends?.SetId, Is.EqualTo(sets[i - 1].Manifest.SetId));
        }

        var chain = BackupChain.Resolve(await new DirectorySink(destination).ListSetsAsync(default));
        Assert.That(chain.Sets.Select(s => s.SetId), Is.EqualTo(new[] { "full", "inc-1", "inc-2", "inc-3" }));
        Assert.That(chain.Logs.Select(l => l.Generation), Is.EqualTo(Enumerable.Range((int)chain.Logs[0].Generation, chain.Logs.Count).Select(g => (long)g)));

        var plan = await ChainRestore.RestoreAsync(destination, scratch.Sub("restored"), null, CancellationToken.None);
        Assert.That(plan.GenHigh, Is.EqualTo(Generations(sets[^1].Manifest)[^1]));
        AssertRestoreIsConsistent(plan);
    }

    [Test]
    public async Task The_pipeline_passes_back_whatever_handle_the_engine_gave()
    {
        using var xp = new XpInstance();
        using var scratch = new ScratchDirectory("handle");
        var model = xp.Open(new EngineModelOptions { FileHandle = 0x5A5A });
        var result = await BackupAsync(model, scratch.Sub("backups"), BackupKind.Full, "full");
        Assert.That(result.Manifest.Files.Count(f => f.Kind == BackupFileKind.Database), Is.EqualTo(2));
        Assert.That(model.Calls.Where(c => c.Call is Testing.EngineModel.EngineCall.ReadFile or Testing.EngineModel.EngineCall.CloseFile).Select(c => c.Result), Is.All.EqualTo(Engine.JetError.Success));
    }

    [TestCase(4096)]
    [TestCase(32768)]
    public async Task A_chain_of_a_live_segment_format_instance_has_no_gap(int pageSize)
    {
        using var scratch = new ScratchDirectory("live-v8");
        var instance = Path.Combine(scratch.Path, "inst");
        await SyntheticInstanceWriter.WriteAsync(instance, new SyntheticInstanceOptions
        {
            Databases = [("db.edb", new SyntheticDatabaseOptions { PageCount = 64, PageSize = pageSize })],
            Logs = new SyntheticLogSetOptions { Count = 3 },
        });
        var model = EngineModel.Open(instance, EngineModelWorkloadTests.Live(new LiveWorkload { ReadsPerStep = 1, StepsPerLogRoll = 1 }));
        var destination = scratch.Sub("backups");

        var full = await BackupAsync(model, destination, BackupKind.Full, "full");
        Assert.That(model.WorkloadActivity.PagesWritten, Is.GreaterThan(0));
        model.RunWorkload(4);
        var incremental = await BackupAsync(model, destination, BackupKind.Incremental, "inc");
        Assert.That(Generations(incremental.Manifest)[0], Is.LessThanOrEqualTo(Generations(full.Manifest)[^1] + 1));

        var plan = await ChainRestore.RestoreAsync(destination, scratch.Sub("restored"), null, CancellationToken.None);
        Assert.That(plan.Sets, Is.EqualTo(new[] { "full", "inc" }));
        AssertRestoreIsConsistent(plan);
    }
}
