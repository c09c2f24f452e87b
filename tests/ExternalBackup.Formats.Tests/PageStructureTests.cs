using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>The page-header sanity checks hold on every good page of the real corpus databases.</summary>
public class PageStructureTests
{
    [TestCase("dissect-synthetic/basic.edb")]
    [TestCase("dissect-synthetic/large.edb")]
    [TestCase("ual-hyperv-dirty/Current.mdb")]
    [TestCase("win11-secedit/secedit.sdb")]
    [TestCase("xp-catroot2-logset/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb")]
    public void Good_corpus_pages_pass_the_structure_checks(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile(file));
        var size = DatabaseHeaderReader.Read(bytes).PageSize;
        var failures = new List<string>();
        for (var pgno = 1; (pgno + 2L) * size <= bytes.Length; pgno++)
        {
            var page = bytes.AsSpan((pgno + 1) * size, size);
            if (PageChecksum.VerifyPage(page, (uint)pgno).Status != PageChecksumStatus.Ok)
            {
                continue;
            }

            if (PageHeader.Read(page).CheckStructure(size) is { } cause)
            {
                failures.Add($"page {pgno}: {cause}");
            }
        }

        Assert.That(failures, Is.Empty);
    }
}
