using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>Every corpus file gives the result CORPUS.md states.</summary>
public class CorpusVerificationTests
{
    private static readonly (string File, int PageSize, DatabaseState State, string SignLog, int NonZeroPages, uint Revision)[] Databases =
    [
        ("dissect-synthetic/basic.edb", 4096, DatabaseState.CleanShutdown, "08999d81", 23, 20),
        ("dissect-synthetic/binary.edb", 4096, DatabaseState.CleanShutdown, "949556c2", 25, 20),
        ("dissect-synthetic/index.edb", 4096, DatabaseState.CleanShutdown, "97f34588", 47, 20),
        ("dissect-synthetic/large.edb", 32768, DatabaseState.CleanShutdown, "9e9a8891", 381, 20),
        ("dissect-synthetic/multi.edb", 4096, DatabaseState.CleanShutdown, "ec50e8fc", 34, 20),
        ("dissect-synthetic/text.edb", 4096, DatabaseState.CleanShutdown, "cf309723", 32, 20),
        ("ual-hyperv-dirty/Current.mdb", 4096, DatabaseState.DirtyShutdown, "a9106739", 53, 20),
        ("ual-hyperv-dirty/SystemIdentity.mdb", 4096, DatabaseState.CleanShutdown, "e821131a", 39, 20),
        ("ual-hyperv-dirty/{03A01CC5-91BB-4936-B685-63697785D39E}.mdb", 4096, DatabaseState.CleanShutdown, "e821131a", 53, 20),
        ("win10-secedit/secedit.sdb", 4096, DatabaseState.CleanShutdown, "06d99c28", 59, 20),
        ("win11-secedit/secedit.sdb", 4096, DatabaseState.CleanShutdown, "623e0b0b", 36, 230),
        ("xp-catroot2-logset/{127D0A1D-4EF2-11D1-8608-00C04FC295EE}/catdb", 4096, DatabaseState.CleanShutdown, "0000fced", 23, 9),
        ("xp-catroot2-logset/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb", 4096, DatabaseState.CleanShutdown, "0000fced", 593, 9),
    ];

    private static IEnumerable<TestCaseData> DatabaseCases() => Databases.Select(d => new TestCaseData(d.File, d.PageSize, d.State, d.SignLog, d.NonZeroPages, d.Revision).SetArgDisplayNames(d.File));

    [TestCaseSource(nameof(DatabaseCases))]
    public async Task Corpus_database_verifies_with_the_stated_header(string file, int pageSize, DatabaseState state, string signLog, int nonZeroPages, uint revision)
    {
        var path = TestPaths.CorpusFile(file);
        var r = await new EseFileVerifier().VerifyFileAsync(path);
        Assert.That(r.Kind, Is.EqualTo(EseFileKind.Database));
        var d = r.Database!;
        Assert.Multiple(() =>
        {
            Assert.That(d.Problems, Is.Empty, string.Join("\n", d.Problems));
            Assert.That(d.PageSize, Is.EqualTo(pageSize));
            Assert.That(d.Header!.State, Is.EqualTo(state));
            Assert.That(d.Header.LogSignature.ShortHex, Is.EqualTo(signLog));
            Assert.That(d.Header.FormatVersion, Is.EqualTo(0x620u));
            Assert.That(d.Header.FormatRevision, Is.EqualTo(revision));
            Assert.That(d.HeaderStatus, Is.EqualTo(HeaderCopyStatus.BothValid));
            // Non-zero pages in CORPUS.md exclude the two header pages.
            Assert.That(d.PagesChecked - 2, Is.EqualTo(nonZeroPages));
            Assert.That(d.PagesSeen, Is.EqualTo(new FileInfo(path).Length / pageSize));
            Assert.That(d.BadPages, Is.Empty);
        });
    }

    [Test]
    public async Task Srudb_reports_exactly_pages_143_to_158()
    {
        var r = await new EseFileVerifier().VerifyFileAsync(TestPaths.CorpusFile("srudb-corrupt-tail/SRUDB.dat"));
        var d = r.Database!;
        Assert.Multiple(() =>
        {
            Assert.That(d.BadPages, Is.EqualTo(Enumerable.Range(143, 16).Select(i => (long)i).ToArray()));
            Assert.That(d.PagesChecked - 2, Is.EqualTo(95));
            Assert.That(r.Ok, Is.False);
            Assert.That(d.Problems.All(p => p.Page is >= 143 and <= 158 && p.Offset == (p.Page + 1) * 4096), Is.True, string.Join("\n", d.Problems));
            Assert.That(d.Header!.State, Is.EqualTo(DatabaseState.CleanShutdown));
        });
    }

    [Test]
    public async Task Dirty_ual_database_needs_generation_124_which_is_missing()
    {
        using var scratch = new ScratchDirectory("ual");
        var set = TestPaths.CopyCorpusSet("ual-hyperv-dirty", scratch);
        var report = await new EseFileVerifier().VerifyAsync([set]);
        var current = report.Files.Single(f => f.Path.EndsWith("Current.mdb", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(current.Database!.Header!.State, Is.EqualTo(DatabaseState.DirtyShutdown));
            Assert.That(current.Database.Header.GenMinRequired, Is.EqualTo(124));
            Assert.That(current.Database.Header.GenMaxRequired, Is.EqualTo(124));
            Assert.That(current.Database.BadPages, Is.Empty);
            Assert.That(current.Problems.Single().Generation, Is.EqualTo(124));
            Assert.That(current.Problems.Single().Cause, Does.Contain("Dirty Shutdown").And.Contain("124"));
            Assert.That(report.Files.Where(f => f != current).All(f => f.Ok), Is.True);
            Assert.That(report.Ok, Is.False);
        });
    }

    [Test]
    public async Task Xp_log_set_is_contiguous_126_to_131_with_signature_0000fced()
    {
        using var scratch = new ScratchDirectory("xp");
        var set = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        var report = await new EseFileVerifier().VerifyAsync([set]);
        TestContext.Out.WriteLine(string.Join("\n", report.AllProblems));
        var logs = report.Files.Where(f => f.Kind == EseFileKind.Log).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.Ok, Is.True, string.Join("\n", report.AllProblems));
            Assert.That(logs.Select(l => l.Log!.Generation).Order(), Is.EqualTo(Enumerable.Range(126, 6)));
            Assert.That(logs.Select(l => l.Log!.Header!.LogSignature.ShortHex).Distinct(), Is.EqualTo(new[] { "0000fced" }));
            Assert.That(logs.Single(l => l.Path.EndsWith("edb.log", StringComparison.Ordinal)).Log!.Generation, Is.EqualTo(131));
            Assert.That(logs.All(l => l.Log!.Header!.MajorVersion == 7 && l.Log.Header.MinorVersion == 3704 && l.Log.Header.UpdateMajorVersion == 6), Is.True);
            Assert.That(logs.All(l => l.Log!.Header!.SectorSize == 512 && l.Log.Header.FileSectors == 256), Is.True);
            Assert.That(logs.All(l => l.Log!.ChecksumRecordsChecked > 0), Is.True, "every v7 log's LRCHECKSUM chain is walked");
            Assert.That(report.Files.Where(f => f.Path.EndsWith("res1.log", StringComparison.Ordinal) || f.Path.EndsWith("res2.log", StringComparison.Ordinal)).Select(f => f.Kind),
                Is.EqualTo(new[] { EseFileKind.Reserve, EseFileKind.Reserve }));
            var chk = report.Files.Single(f => f.Kind == EseFileKind.Checkpoint).Checkpoint!;
            Assert.That(chk.Header!.Checkpoint, Is.EqualTo(new Primitives.LogPosition(131, 47, 204)));
            Assert.That(chk.Header.LogSignature.ShortHex, Is.EqualTo("0000fced"));
            Assert.That(chk.Status, Is.EqualTo(HeaderCopyStatus.BothValid));
        });
    }

    [Test]
    public async Task Win10_new_format_log_and_checkpoint_verify()
    {
        using var scratch = new ScratchDirectory("w10logs");
        var set = TestPaths.CopyCorpusSet("win10-secedit-logs", scratch);
        var report = await new EseFileVerifier().VerifyAsync([set]);
        var log = report.Files.Single(f => f.Kind == EseFileKind.Log).Log!;
        Assert.Multiple(() =>
        {
            Assert.That(report.Ok, Is.True, string.Join("\n", report.AllProblems));
            Assert.That(log.Generation, Is.EqualTo(1));
            Assert.That(log.Header!.FormatVersionText, Does.StartWith("8.4000.60"));
            Assert.That(log.Header.SectorSize, Is.EqualTo(4096));
            Assert.That(log.Header.LogSignature.ShortHex, Is.EqualTo("ebf5b760"));
            Assert.That(log.SegmentsChecked, Is.GreaterThan(0));
            Assert.That(report.Files.Single(f => f.Path.EndsWith(".jrs", StringComparison.Ordinal)).Kind, Is.EqualTo(EseFileKind.Reserve));
            Assert.That(report.Files.Single(f => f.Path.EndsWith("edbtmp.log", StringComparison.Ordinal)).Kind, Is.EqualTo(EseFileKind.Temporary));
            var chk = report.Files.Single(f => f.Kind == EseFileKind.Checkpoint).Checkpoint!;
            Assert.That(chk.Header!.Checkpoint, Is.EqualTo(new Primitives.LogPosition(1, 1, 0)));
            Assert.That(chk.Header.LogSignature.ShortHex, Is.EqualTo("ebf5b760"));
        });
    }

    [TestCase("win10-secedit/secedit.jfm")]
    [TestCase("win11-secedit/secedit.jfm")]
    public async Task Flush_maps_verify(string file)
    {
        var r = await new EseFileVerifier().VerifyFileAsync(TestPaths.CorpusFile(file));
        Assert.That(r.Kind, Is.EqualTo(EseFileKind.FlushMap));
        Assert.That(r.Problems, Is.Empty, string.Join("\n", r.Problems));
    }
}
