using ExternalBackup.Formats.Files;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary><see cref="EseFileVerifierOptions.Progress"/>: every file begun and every buffer read, bytes and files only going up.</summary>
public class VerifierProgressTests
{
    [Test]
    public async Task A_folders_verification_reports_each_buffer_in_order_up_to_its_whole_length()
    {
        var folder = TestPaths.CorpusFile("xp-catroot2-logset");
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        var reports = new List<VerifierProgress>();
        // Small buffers: a database of a few MiB is several reports, as a 2 GiB one is many.
        var verifier = new EseFileVerifier(new EseFileVerifierOptions { ReadBufferSize = 64 * 1024, Progress = new Collect(reports) });

        var report = await verifier.VerifyAsync([folder]);

        var total = files.Sum(f => new FileInfo(f).Length);
        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.BytesDone), Is.Ordered, "bytes only go up");
            Assert.That(reports.Select(r => r.FilesDone), Is.Ordered, "files only go up");
            Assert.That(reports.Select(r => r.BytesTotal).Distinct(), Is.EqualTo(new[] { total }));
            Assert.That(reports[^1], Is.EqualTo(new VerifierProgress(report.Files.Count, files.Length, total, total, null)));
            Assert.That(reports.Where(r => r.CurrentFile is not null).Select(r => r.CurrentFile).Distinct(), Is.EquivalentTo(files), "each file is named as it begins");
            Assert.That(reports, Has.Count.GreaterThan(files.Length + 1 + 10), "files report while they are read (every 64 KiB), not only as they begin");
        });
    }

    private sealed class Collect(List<VerifierProgress> into) : IProgress<VerifierProgress>
    {
        public void Report(VerifierProgress value) => into.Add(value);
    }
}
