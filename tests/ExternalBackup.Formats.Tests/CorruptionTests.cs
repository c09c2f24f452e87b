using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>Corruption is always caught, over many seeded trials.</summary>
public class CorruptionTests
{
    private static byte[] Database(int pageSize, bool ecc, int pages = 24)
    {
        using var ms = new MemoryStream();
        SyntheticDatabaseWriter.WriteAsync(ms, new SyntheticDatabaseOptions { PageSize = pageSize, EccChecksums = ecc, PageCount = pages, ZeroPageFraction = 0 }).GetAwaiter().GetResult();
        return ms.ToArray();
    }

    private static DatabaseVerification Verify(byte[] file, int chunk = 0)
    {
        var v = new DatabasePageVerifier("test.edb");
        if (chunk <= 0)
        {
            v.Append(file);
        }
        else
        {
            for (var i = 0; i < file.Length; i += chunk)
            {
                v.Append(file.AsSpan(i, Math.Min(chunk, file.Length - i)));
            }
        }

        return v.Complete(file.Length);
    }

    [Test]
    public void Synthetic_database_is_clean_when_fed_in_any_chunk_size([Values(2048, 4096, 8192, 16384, 32768)] int pageSize, [Values(0, 1000, 4096, 65536)] int chunk)
    {
        var file = Database(pageSize, ecc: true);
        var r = Verify(file, chunk);
        Assert.Multiple(() =>
        {
            Assert.That(r.Problems, Is.Empty, string.Join("\n", r.Problems));
            Assert.That(r.PageSize, Is.EqualTo(pageSize));
            Assert.That(r.PagesSeen, Is.EqualTo(26));
            Assert.That(r.PagesChecked, Is.EqualTo(26));
        });
    }

    [Test]
    public void Single_bit_flips_in_ecc_pages_are_correctable_with_the_right_bit([Values(2048, 4096, 8192, 16384, 32768)] int pageSize)
    {
        var clean = Database(pageSize, ecc: true, pages: 8);
        var rng = new Random(pageSize);
        for (var trial = 0; trial < 200; trial++)
        {
            var file = (byte[])clean.Clone();
            var pgno = 1 + rng.Next(8);
            var bitInPage = rng.NextInt64(8L * pageSize);
            var offset = ((pgno + 1) * pageSize) + (bitInPage / 8);
            file[offset] ^= (byte)(1 << (int)(bitInPage % 8));
            var r = Verify(file);
            var inStoredChecksum = bitInPage < 64 || (pageSize > 8192 && bitInPage >= 40 * 8 && bitInPage < 64 * 8);
            if (bitInPage < 64 || bitInPage == (36 * 8) + 13)
            {
                // A flip in the stored 64-bit checksum (or in the format flag) is corruption, not correctable.
                Assert.That(r.BadPages, Is.EqualTo(new long[] { pgno }), $"trial {trial}: bit {bitInPage}");
                continue;
            }

            Assert.That(r.CorrectablePages, Is.EqualTo(new[] { ((long)pgno, bitInPage) }), $"trial {trial}: page {pgno} bit {bitInPage} (stored-checksum area {inStoredChecksum})");
            Assert.That(r.BadPages, Is.Empty);
            Assert.That(r.Ok, Is.True, "a correctable error is a warning");
        }
    }

    [Test]
    public void Single_bit_flips_in_xor_pages_are_detected([Values(2048, 4096, 8192)] int pageSize)
    {
        var clean = Database(pageSize, ecc: false, pages: 8);
        var rng = new Random(pageSize + 1);
        for (var trial = 0; trial < 200; trial++)
        {
            var file = (byte[])clean.Clone();
            var pgno = 1 + rng.Next(8);
            var bit = rng.NextInt64(8L * pageSize);
            file[((pgno + 1) * pageSize) + (bit / 8)] ^= (byte)(1 << (int)(bit % 8));
            var r = Verify(file);
            Assert.That(r.BadPages, Is.EqualTo(new long[] { pgno }), $"trial {trial}: bit {bit}");
            Assert.That(r.Ok, Is.False);
        }
    }

    [Test]
    public void Random_bit_flips_anywhere_are_always_detected([Values] bool ecc)
    {
        var clean = Database(4096, ecc, pages: 16);
        var rng = new Random(ecc ? 11 : 12);
        for (var trial = 0; trial < 300; trial++)
        {
            var file = (byte[])clean.Clone();
            var flips = 1 + rng.Next(4);
            for (var f = 0; f < flips; f++)
            {
                var bit = rng.NextInt64(8L * file.Length);
                file[bit / 8] ^= (byte)(1 << (int)(bit % 8));
            }

            var r = Verify(file);
            Assert.That(r.Problems, Is.Not.Empty, $"trial {trial}");
        }
    }

    [Test]
    public void Torn_pages_are_detected([Values(4096, 8192, 32768)] int pageSize, [Values] bool ecc)
    {
        if (!ecc && pageSize > 8192)
        {
            return;
        }

        var clean = Database(pageSize, ecc, pages: 12);
        var other = Database(pageSize, ecc, pages: 12);
        var donor = new byte[pageSize];
        var rng = new Random(pageSize * 3);
        for (var trial = 0; trial < 100; trial++)
        {
            var file = (byte[])clean.Clone();
            var pgno = 1 + rng.Next(12);
            // A torn write: the first sectors are new data, the rest old. The new data is another version of the page.
            SyntheticDatabaseWriter.WriteDataPage(donor, (uint)pgno, 5000 + (ulong)trial, ecc, seed: (ulong)trial + 99);
            var sectors = 1 + rng.Next((pageSize / 512) - 1);
            donor.AsSpan(0, sectors * 512).CopyTo(file.AsSpan((pgno + 1) * pageSize));
            var r = Verify(file);
            Assert.That(r.BadPages, Is.EqualTo(new long[] { pgno }), $"trial {trial}: {sectors} sectors torn");
            _ = other;
        }
    }

    [Test]
    public void Swapped_pages_report_wrong_page_numbers([Values(4096, 16384)] int pageSize, [Values] bool ecc)
    {
        if (!ecc && pageSize > 8192)
        {
            return;
        }

        var clean = Database(pageSize, ecc, pages: 20);
        var rng = new Random(5);
        for (var trial = 0; trial < 50; trial++)
        {
            var file = (byte[])clean.Clone();
            var a = 1 + rng.Next(20);
            var b = 1 + rng.Next(20);
            if (a == b)
            {
                continue;
            }

            var pa = file.AsSpan((a + 1) * pageSize, pageSize).ToArray();
            file.AsSpan((b + 1) * pageSize, pageSize).CopyTo(file.AsSpan((a + 1) * pageSize));
            pa.CopyTo(file.AsSpan((b + 1) * pageSize));
            var r = Verify(file);
            Assert.Multiple(() =>
            {
                Assert.That(r.BadPages, Is.EquivalentTo(new long[] { a, b }), $"trial {trial}");
                Assert.That(r.WrongPageNumbers, Is.EqualTo(2));
                Assert.That(r.Problems.Select(p => p.Cause), Has.Some.Contains($"belongs to page {b}"));
            });
        }
    }

    [Test]
    public void Zeroed_headers_are_detected([Values(0, 1, 2)] int which)
    {
        var file = Database(8192, ecc: true);
        if (which != 1)
        {
            Array.Clear(file, 0, 8192);
        }

        if (which != 0)
        {
            Array.Clear(file, 8192, 8192);
        }

        var r = Verify(file);
        Assert.That(r.Ok, Is.False);
        Assert.That(r.HeaderStatus, Is.EqualTo(which switch { 0 => HeaderCopyStatus.PrimaryBad, 1 => HeaderCopyStatus.ShadowBad, _ => HeaderCopyStatus.BothBad }));
        if (which != 2)
        {
            Assert.That(r.PageSize, Is.EqualTo(8192), "the good copy still gives the page size");
        }
    }

    [Test]
    public void Truncated_files_are_detected()
    {
        var clean = Database(4096, ecc: true, pages: 16);
        var rng = new Random(17);
        for (var trial = 0; trial < 200; trial++)
        {
            int cut;
            do
            {
                cut = rng.Next(1, clean.Length - 1);
            }
            while (cut % 4096 == 0);

            var file = clean.AsSpan(0, cut).ToArray();
            var v = new DatabasePageVerifier("t.edb");
            v.Append(file);
            // Without knowing the expected length: a partial last page or a missing header copy shows it.
            var r = v.Complete();
            Assert.That(r.Ok, Is.False, $"cut at {cut}");
            // Knowing the expected length (as the streaming pipeline does), any cut is reported.
            var v2 = new DatabasePageVerifier("t.edb");
            v2.Append(clean.AsSpan(0, (cut / 4096) * 4096));
            Assert.That(v2.Complete(clean.Length).Ok, Is.False, $"page-aligned cut at {cut / 4096 * 4096} with the expected length");
        }
    }

    [Test]
    public void Streaming_backup_trailer_page_is_accepted_and_checked()
    {
        var options = new SyntheticDatabaseOptions
        {
            PageCount = 30,
            CustomizeHeader = h => h.CurrentFullBackup = new Primitives.BackupInfo(new Primitives.LogPosition(7, 3, 0), Primitives.LogTime.FromDateTime(DateTime.UtcNow), 5, 0),
        };
        var header = SyntheticDatabaseWriter.CreateHeader(options);
        using var ms = new MemoryStream();
        SyntheticDatabaseWriter.WriteAsync(ms, options with { Trailer = TrailerPage.For(header, 9) }).GetAwaiter().GetResult();
        var file = ms.ToArray();
        Assert.That(file.Length, Is.EqualTo((30 + 3) * 4096), "(lastPgno + 3) * pageSize");
        var r = Verify(file, 5000);
        Assert.Multiple(() =>
        {
            Assert.That(r.Problems, Is.Empty, string.Join("\n", r.Problems));
            Assert.That(r.Trailer!.Backup.GenHigh, Is.EqualTo(9u));
            Assert.That(r.Header!.NeedsTrailerPatch, Is.True);
        });

        // A trailer that disagrees with the header, or one not at the end, or a missing one, is reported.
        var bad = (byte[])file.Clone();
        TrailerPage.For(header, 9).With(t => t with { LogSignature = new Primitives.Signature(1, default, "x") }).WritePage(bad.AsSpan(bad.Length - 4096));
        Assert.That(Verify(bad).BadPages, Is.EqualTo(new long[] { 31 }));
        var notLast = file.Concat(new byte[4096]).ToArray();
        Assert.That(Verify(notLast).BadPages, Is.EqualTo(new long[] { 31 }));
        var missing = file.AsSpan(0, file.Length - 4096).ToArray();
        Assert.That(Verify(missing).Problems.Single().Cause, Does.Contain("no trailer page"));
    }

    [Test]
    public async Task Foreign_log_and_missing_generation_are_detected()
    {
        for (var trial = 0; trial < 20; trial++)
        {
            using var scratch = new ScratchDirectory("logs");
            var options = new SyntheticLogSetOptions { FirstGeneration = 10 + trial, Count = 6, LogFileSize = 64 * 1024, SegmentsWritten = 3, Seed = (ulong)trial };
            await SyntheticLogWriter.WriteLogSetAsync(scratch.Path, options);
            var verifier = new EseFileVerifier();
            Assert.That((await verifier.VerifyAsync([scratch.Path])).Ok, Is.True, "clean set");

            // Missing generation.
            var victim = Log.LogFileName.Format(options.BaseName, options.FirstGeneration + 1 + (trial % 4));
            var path = Path.Combine(scratch.Path, victim);
            var saved = await File.ReadAllBytesAsync(path);
            File.Delete(path);
            var r = await verifier.VerifyAsync([scratch.Path]);
            Assert.That(r.SetProblems.Single().Cause, Does.StartWith("missing log file(s)"), $"trial {trial}");
            Assert.That(r.SetProblems.Single().Generation, Is.EqualTo(options.FirstGeneration + 1 + (trial % 4)));

            // Foreign log in its place: same generation, another signature.
            var foreign = Log.LogFileHeader.Parse(saved);
            foreign.LogSignature = new Primitives.Signature(0xBAD00000 + (uint)trial, foreign.LogSignature.Created, string.Empty);
            var (bytes, _) = SyntheticLogWriter.BuildLog(foreign, 3);
            await File.WriteAllBytesAsync(path, bytes);
            r = await verifier.VerifyAsync([scratch.Path]);
            Assert.That(r.AllProblems.Select(p => p.Cause), Has.Some.StartsWith("foreign log"), $"trial {trial}");
            Assert.That(r.Ok, Is.False);
        }
    }

    [Test]
    public void Log_segment_corruption_is_detected()
    {
        var header = Log.LogFileHeader.CreateV8(5, new Primitives.Signature(1, Primitives.LogTime.FromDateTime(DateTime.UtcNow), string.Empty), Primitives.LogTime.FromDateTime(DateTime.UtcNow), 64 * 1024);
        var (clean, _) = SyntheticLogWriter.BuildLog(header, 10);
        var rng = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var file = (byte[])clean.Clone();
            var bit = rng.NextInt64(8L * 11 * 4096);
            file[bit / 8] ^= (byte)(1 << (int)(bit % 8));
            var v = new LogFileVerifier("edb00005.log");
            v.Append(file);
            var r = v.Complete();
            Assert.That(r.Ok, Is.False, $"trial {trial}: bit {bit}");
        }
    }
}

internal static class TestExtensions
{
    public static T With<T>(this T value, Func<T, T> change) => change(value);
}
