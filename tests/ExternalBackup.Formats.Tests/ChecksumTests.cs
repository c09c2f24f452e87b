using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Formats.Tests;

/// <summary>Checksum test vectors of ese-formats.md §3.5 and the agreement of the vector and plain paths.</summary>
public class ChecksumTests
{
    [Test]
    public void Pattern_starts_as_documented() =>
        Assert.That(TestData.Pattern(8), Is.EqualTo(new byte[] { 0xc6, 0x7e, 0x81, 0x6b, 0x4b, 0xfb, 0xe2, 0xfb }));

    [TestCase(0, 1u, true, 0x0000000000000001UL, TestName = "Zero 4K block, pgno 1, header")]
    [TestCase(4096, 7u, true, 0x0670798fde21b694UL, TestName = "pat(4096), pgno 7, header")]
    [TestCase(4096, 7u, false, 0x798579854e423319UL, TestName = "pat(4096), pgno 7, non-header")]
    [TestCase(8192, 7u, true, 0xb031b0310b84459bUL, TestName = "pat(8192), pgno 7, header")]
    [TestCase(2048, 7u, true, 0x11d811d822943e80UL, TestName = "pat(2048), pgno 7, header")]
    public void Block_checksum_vectors(int patternLength, uint pgno, bool header, ulong expected)
    {
        var block = patternLength == 0 ? new byte[4096] : TestData.Pattern(patternLength);
        Assert.Multiple(() =>
        {
            Assert.That(EccChecksum.ComputeBlockScalar(block, pgno, header), Is.EqualTo(expected), "plain");
            Assert.That(EccChecksum.ComputeBlockVectorized(block, pgno, header), Is.EqualTo(expected), "vector");
            Assert.That(EccChecksum.ComputeBlock(block, pgno, header), Is.EqualTo(expected), "dispatch");
        });
    }

    [Test]
    public void Xor_checksum_vector()
    {
        var p = TestData.Pattern(4096);
        Assert.Multiple(() =>
        {
            Assert.That(XorChecksum.ComputeScalar(p), Is.EqualTo(0xac688037u));
            Assert.That(XorChecksum.ComputeVectorized(p), Is.EqualTo(0xac688037u));
        });
    }

    [TestCase(16384, new[] { 0x78bf78bf06801348UL, 0x364149bed5a5f306UL, 0x00fb00fb6002bf22UL, 0x52c32d3c88b0d3c1UL })]
    [TestCase(32768, new[] { 0x4efeb101d325e047UL, 0x5238adc7e8b26ceaUL, 0x66dd66ddba21b267UL, 0x2a6e2a6efc5f3bb6UL })]
    public void Large_page_vectors(int size, ulong[] expected)
    {
        var page = TestData.Pattern(size);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(36), 0x2000);
        Assert.That(PageChecksum.ComputeEccChecksums(page, 9), Is.EqualTo(expected));
    }

    [Test]
    public void Vector_and_plain_paths_agree_on_random_blocks([Values(1024, 2048, 4096, 8192)] int size)
    {
        var rng = new Random(size);
        var block = new byte[size];
        for (var trial = 0; trial < 200; trial++)
        {
            rng.NextBytes(block);
            if (trial % 10 == 0)
            {
                var start = rng.Next(size);
                Array.Clear(block, start, rng.Next(size - start));
            }

            var pgno = (uint)rng.Next();
            foreach (var header in new[] { true, false })
            {
                Assert.That(EccChecksum.ComputeBlockVectorized(block, pgno, header), Is.EqualTo(EccChecksum.ComputeBlockScalar(block, pgno, header)),
                    $"trial {trial} header {header}");
            }

            Assert.That(XorChecksum.ComputeVectorized(block), Is.EqualTo(XorChecksum.ComputeScalar(block)));
        }
    }

    [Test]
    public void Written_pages_verify_for_every_size_and_format([Values(2048, 4096, 8192, 16384, 32768)] int size, [Values] bool ecc)
    {
        if (!ecc && size > 8192)
        {
            Assert.Throws<ArgumentException>(() => PageChecksum.WritePage(new byte[size], 5, eccFormat: false));
            return;
        }

        var page = new byte[size];
        SyntheticDatabaseWriter.WriteDataPage(page, 77, 1000, ecc, seed: 3);
        var r = PageChecksum.VerifyPage(page, 77);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(PageChecksumStatus.Ok));
            Assert.That(r.Format, Is.EqualTo(ecc ? PageChecksumFormat.Ecc : PageChecksumFormat.Xor));
            Assert.That(PageChecksum.VerifyPage(page, 78).Status, Is.EqualTo(PageChecksumStatus.WrongPageNumber));
            Assert.That(PageChecksum.VerifyPage(page, 78).ActualPageNumber, Is.EqualTo(77u));
        });
    }
}
