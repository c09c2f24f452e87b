using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>A backup's progress reports come in order: phases forward, bytes and files never down, every file named, the last one complete.</summary>
public sealed class BackupProgressTests
{
    [Test]
    public async Task ReportsOfAModelBackupAreInOrderWithMonotoneBytesAndEndComplete()
    {
        using var scratch = new ScratchDirectory("backup-progress");
        var instance = await ProgressInstance.WriteAsync(scratch.Sub("instance"));
        var progress = new ProgressRecorder<BackupProgress>();

        var result = await new StreamingBackup(EngineModel.Open(instance), new NullSink()).RunAsync(BackupKind.Full, progress);

        var reports = progress.Reports;
        Assert.That(reports, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            for (var i = 1; i < reports.Count; i++)
            {
                Assert.That(reports[i].BytesDone, Is.GreaterThanOrEqualTo(reports[i - 1].BytesDone), $"report {i}: bytes went down");
                Assert.That(reports[i].FilesDone, Is.GreaterThanOrEqualTo(reports[i - 1].FilesDone), $"report {i}: files went down");
                Assert.That(reports[i].Phase, Is.GreaterThanOrEqualTo(reports[i - 1].Phase), $"report {i}: the phase went back");
                Assert.That(reports[i].BytesDone, Is.LessThanOrEqualTo(reports[i].BytesKnown), $"report {i}: more done than known");
            }

            Assert.That(reports.Select(r => r.BytesDone), Has.Some.InRange(1, result.Counts.Bytes - 1), "progress is reported while copying, not only at the end");
            foreach (var file in result.Manifest.Files)
            {
                Assert.That(reports.Select(r => r.CurrentFile), Has.Some.EqualTo(file.SourcePath), $"{file.Path} is never the current file");
            }

            Assert.That(reports[^1].Phase, Is.EqualTo(BackupPhase.Completed));
            Assert.That(reports[^1].BytesDone, Is.EqualTo(result.Counts.Bytes));
            Assert.That(reports[^1].BytesKnown, Is.EqualTo(result.Counts.Bytes));
            Assert.That(reports[^1].FilesDone, Is.EqualTo(result.Manifest.Files.Count));
        });
    }
}

/// <summary>A synthetic instance whose database takes several 1 MiB chunks to copy, so progress has something between its start and its end.</summary>
internal static class ProgressInstance
{
    public static async Task<string> WriteAsync(string folder)
    {
        await SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
        {
            Databases = [("big.edb", new SyntheticDatabaseOptions { PageSize = 4096, PageCount = 1536, ZeroPageFraction = 0 }), ("small.edb", new SyntheticDatabaseOptions { PageSize = 4096, PageCount = 64, ZeroPageFraction = 0 })],
        });
        return folder;
    }
}
