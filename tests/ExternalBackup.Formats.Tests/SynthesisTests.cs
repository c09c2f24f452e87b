using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>What the synthesis writers produce passes the verifier, with the header fields asked for.</summary>
public class SynthesisTests
{
    [Test]
    public async Task Synthetic_instance_folder_verifies()
    {
        using var scratch = new ScratchDirectory("instance");
        var written = await SyntheticInstanceWriter.WriteAsync(scratch.Path, new SyntheticInstanceOptions
        {
            Databases =
            [
                ("clean.edb", new SyntheticDatabaseOptions { PageCount = 50 }),
                ("dirty.edb", new SyntheticDatabaseOptions { PageSize = 8192, EccChecksums = false, PageCount = 30, State = DatabaseState.DirtyShutdown, GenMinRequired = 3, GenMaxRequired = 5 }),
                ("sub/big-pages.edb", new SyntheticDatabaseOptions { PageSize = 32768, PageCount = 10 }),
            ],
            Logs = new SyntheticLogSetOptions { FirstGeneration = 1, Count = 6, WriteReserveLogs = true },
        });
        var report = await new EseFileVerifier().VerifyAsync([scratch.Path]);
        Assert.Multiple(() =>
        {
            Assert.That(report.Ok, Is.True, string.Join("\n", report.AllProblems));
            Assert.That(report.Files.Select(f => Path.GetRelativePath(scratch.Path, f.Path).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal), Is.EqualTo(new[]
            {
                "clean.edb", "dirty.edb", "edb.chk", "edb.log", "edb00001.log", "edb00002.log", "edb00003.log", "edb00004.log", "edb00005.log",
                "edbres00001.jrs", "edbres00002.jrs", "sub/big-pages.edb",
            }));
            Assert.That(written.Logs.Select(l => l.Generation), Is.EqualTo(Enumerable.Range(1, 6)));
            var dirty = report.Files.Single(f => f.Path.EndsWith("dirty.edb", StringComparison.Ordinal)).Database!;
            Assert.That(dirty.Header!.State, Is.EqualTo(DatabaseState.DirtyShutdown));
            Assert.That((dirty.Header.GenMinRequired, dirty.Header.GenMaxRequired), Is.EqualTo((3, 5)));
            Assert.That(dirty.PageSize, Is.EqualTo(8192));
            Assert.That(report.Files.Where(f => f.Kind == EseFileKind.Log).All(f => f.Log!.SegmentsChecked == 8), Is.True);
        });

        // Delete a generation the dirty database needs: the set check names it.
        File.Delete(Path.Combine(scratch.Path, "edb00004.log"));
        var broken = await new EseFileVerifier().VerifyAsync([scratch.Path]);
        Assert.That(broken.Ok, Is.False);
        Assert.That(broken.Files.Single(f => f.Path.EndsWith("dirty.edb", StringComparison.Ordinal)).Problems.Single().Generation, Is.EqualTo(4));
        Assert.That(broken.SetProblems.Single().Cause, Does.StartWith("missing log file(s): edb{4 - 4}"));
    }

    [Test]
    public async Task Synthetic_log_chain_records_previous_time_and_segment_checksum()
    {
        using var scratch = new ScratchDirectory("chain");
        var headers = await SyntheticLogWriter.WriteLogSetAsync(scratch.Path, new SyntheticLogSetOptions { FirstGeneration = 0x7E, Count = 3 });
        var report = await new EseFileVerifier().VerifyAsync([scratch.Path]);
        var byGen = report.Files.Where(f => f.Kind == EseFileKind.Log).ToDictionary(f => f.Log!.Generation, f => f.Log!);
        Assert.Multiple(() =>
        {
            Assert.That(report.Ok, Is.True, string.Join("\n", report.AllProblems));
            Assert.That(File.Exists(Path.Combine(scratch.Path, "edb0007E.log")), Is.True);
            Assert.That(headers[1].PreviousGenerationTime, Is.EqualTo(headers[0].CreateTime));
            Assert.That(byGen[0x7F].Header!.PreviousLogSegmentChecksum, Is.EqualTo(byGen[0x7E].AccumulatedSegmentChecksum));
            Assert.That(byGen[0x7E].AccumulatedSegmentChecksum, Is.Not.Zero);
        });

        // Break the time chain: the next generation claims another previous time.
        var path = Path.Combine(scratch.Path, "edb0007F.log");
        var bytes = await File.ReadAllBytesAsync(path);
        var h = Log.LogFileHeader.Parse(bytes);
        h.PreviousGenerationTime = Primitives.LogTime.FromDateTime(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        h.Write(bytes);
        await File.WriteAllBytesAsync(path, bytes);
        var broken = await new EseFileVerifier().VerifyAsync([scratch.Path]);
        Assert.That(broken.AllProblems.Select(p => p.Cause), Has.Some.StartsWith("invalid log sequence"));
    }

    [Test]
    public async Task Large_synthetic_database_streams_to_disk_and_verifies()
    {
        using var scratch = new ScratchDirectory("large");
        var path = Path.Combine(scratch.Path, "big.edb");
        var options = new SyntheticDatabaseOptions { PageSize = 16384, PageCount = 4000, RandomContent = false, ZeroPageFraction = 0.1 };
        var bytes = await SyntheticDatabaseWriter.WriteFileAsync(path, options);
        Assert.That(bytes, Is.EqualTo(4002L * 16384));
        var r = await new EseFileVerifier(new EseFileVerifierOptions { ReadBufferSize = 1 << 20 }).VerifyFileAsync(path);
        Assert.Multiple(() =>
        {
            Assert.That(r.Ok, Is.True, string.Join("\n", r.Problems));
            Assert.That(r.Database!.PagesSeen, Is.EqualTo(4002));
            Assert.That(r.Database.UninitializedPages, Is.EqualTo(400));
        });
    }
}
