using System.Globalization;
using System.Text.RegularExpressions;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>The step events of a backup (docs/events.md) arrive from the library with their ids, in the order of the steps.</summary>
public sealed class StreamingBackupEventsTests
{
    [Test]
    public async Task AFullBackupOfTheModelLogsEveryStepWithTheDocumentedIdsInOrder()
    {
        using var scratch = new ScratchDirectory("events");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "a.edb", "b.edb");
        var logsBefore = Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName).ToHashSet();
        var logging = new RecordingLoggerFactory();
        await using var sink = new ResilientSink(new DirectorySink(scratch.Sub("backups")), logger: logging.CreateLogger("sink"));

        var result = await new StreamingBackup(EngineModel.Open(instance), sink, logger: logging.For<StreamingBackup>()).RunAsync(BackupKind.Full);

        var entries = logging.Recorder.Entries;
        var databases = result.Manifest.Files.Count(f => f.Kind == BackupFileKind.Database);
        var logs = result.Manifest.Files.Count(f => f.Kind == BackupFileKind.Log);
        int[] expected = [1101, .. Enumerable.Repeat(1102, databases), 1109, .. Enumerable.Repeat(1102, result.Manifest.Files.Count - databases), 1104, 1205, 1206, 1111];
        Assert.That(entries.Select(e => e.Event.Id), Is.EqualTo(expected), string.Join("\n", entries.Select(e => $"{e.Event.Id} {e.Message}")));
        Assert.That(logs, Is.GreaterThan(0));
        Assert.Multiple(() =>
        {
            foreach (var file in result.Manifest.Files)
            {
                Assert.That(entries.Where(e => e.Event.Id == 1102).Select(e => e.Message), Has.One.Contains($"to {file.Path}: {file.Bytes} bytes, sha256 {file.Sha256}"), file.Path);
            }

            var range = result.Manifest.LogGenerations!;
            Assert.That(entries.Single(e => e.Event.Id == 1109).Message, Does.Contain($"logs {range.Low}..{range.High}"));
            Assert.That(entries.Single(e => e.Event.Id == 1111).Message, Does.Contain(result.Manifest.SetId).And.Contain("logs truncated: True"));
            Assert.That(entries.Select(e => e.Event.Name), Has.None.Null);
        });

        // The truncation event names the generations the engine deleted (from JetGetTruncateLogInfoInstance): none of
        // them is left, and every archived log gone since the backup began is among them.
        var truncation = Regex.Match(entries.Single(e => e.Event.Id == 1205).Message, @"deleting (\d+) generations (\d+)\.\.(\d+)$");
        Assert.That(truncation.Success, Is.True, entries.Single(e => e.Event.Id == 1205).Message);
        var low = int.Parse(truncation.Groups[2].Value, CultureInfo.InvariantCulture);
        var high = int.Parse(truncation.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.That(int.Parse(truncation.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(high - low + 1));
        var left = Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName).ToHashSet();
        var gone = logsBefore.Except(left).Select(n => Convert.ToInt32(n![3..^4], 16)).ToList();
        Assert.That(gone, Is.Not.Empty, "the model deletes the logs a full backup no longer needs");
        Assert.That(gone, Is.All.InRange(low, high));
        Assert.That(Enumerable.Range(low, high - low + 1).Select(g => $"edb{g:X5}.log").Where(left.Contains), Is.Empty, "a log the event says was deleted is still there");
    }
}
