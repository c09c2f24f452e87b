using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.Synthesis;
using FsCheck;
using FsCheck.Fluent;

namespace ExternalBackup.Formats.Tests;

/// <summary>Parsers and verifiers never crash or hang on arbitrary bytes, for every header kind (FsCheck, bounded runs).</summary>
public class ParserPropertyTests
{
    private static readonly byte[][] ValidSamples = BuildSamples();

    private static byte[][] BuildSamples()
    {
        using var db = new MemoryStream();
        SyntheticDatabaseWriter.WriteAsync(db, new SyntheticDatabaseOptions { PageCount = 6, ZeroPageFraction = 0 }).GetAwaiter().GetResult();
        using var big = new MemoryStream();
        SyntheticDatabaseWriter.WriteAsync(big, new SyntheticDatabaseOptions { PageSize = 32768, PageCount = 1, ZeroPageFraction = 0 }).GetAwaiter().GetResult();
        var log = LogFileHeader.CreateV8(3, new SyntheticLogSetOptions().LogSignature, Primitives.LogTime.FromDateTime(DateTime.UtcNow), 16384);
        var v7 = log.Clone();
        v7.MajorVersion = 7;
        v7.MinorVersion = 3704;
        v7.SectorSize = 512;
        v7.HeaderSectors = 8;
        v7.FileSectors = 40;
        var v7Bytes = new byte[40 * 512];
        v7.Write(v7Bytes);
        v7Bytes[4096] = 42;
        return [db.ToArray(), big.ToArray(), SyntheticLogWriter.BuildLog(log, 2).Bytes, v7Bytes, new CheckpointHeader { LogSignature = log.LogSignature }.ToFileBytes()];
    }

    private static Gen<byte[]> Inputs()
    {
        var random = Gen.Choose(0, 70000).SelectMany(n => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n));
        var mutated = Gen.Choose(0, ValidSamples.Length - 1).SelectMany(i =>
            Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 24).Select(r =>
            {
                var b = (byte[])ValidSamples[i].Clone();
                var length = r[0] % 4 == 0 ? r[1] % (b.Length + 1) : b.Length;
                for (var k = 2; k + 1 < r.Length; k += 2)
                {
                    b[r[k] % b.Length] = (byte)r[k + 1];
                }

                return b.AsSpan(0, length).ToArray();
            }));
        return Gen.Frequency((1, random), (3, mutated));
    }

    private static void RunBounded(Func<byte[], bool> property)
    {
        var run = Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(Arb.From(Inputs()), property)));
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, "the property run did not finish: a parser hangs");
    }

    [Test]
    public void Database_header_reader_and_fields_never_throw() => RunBounded(bytes =>
    {
        var read = DatabaseHeaderReader.Read(bytes);
        if (read.Header is { } h)
        {
            TouchAll(h);
        }

        if (bytes.Length >= DatabaseHeader.Size)
        {
            var parsed = DatabaseHeader.Parse(bytes);
            TouchAll(parsed);
            if (DatabaseHeaderReader.IsValidPageSize(parsed.PageSize))
            {
                var page = parsed.ToPage();
                if (page.Length != parsed.PageSize || DatabaseHeaderReader.Read([.. page, .. page], parsed.PageSize).Status != HeaderCopyStatus.BothValid && parsed.HasDatabaseMagic)
                {
                    return false;
                }
            }
        }

        return read.Found == (read.Status != HeaderCopyStatus.BothBad);
    });

    [Test]
    public void Log_header_checks_never_throw() => RunBounded(bytes =>
    {
        var cause = LogFileHeader.Verify(bytes, bytes.Length);
        if (bytes.Length >= LogFileHeader.Size)
        {
            var h = LogFileHeader.Parse(bytes);
            TouchAll(h);
            _ = h.AttachedDatabases.Count;
        }

        var v = new LogFileVerifier("x.log");
        v.Append(bytes);
        var r = v.Complete();
        return cause is null || !r.Ok;
    });

    [Test]
    public void Checkpoint_reader_never_throws() => RunBounded(bytes =>
    {
        var read = CheckpointReader.Read(bytes);
        if (read.Header is { } h)
        {
            TouchAll(h);
            _ = h.AttachedDatabases.Count;
        }

        return CheckpointVerification.Verify("x.chk", bytes).Ok == (read.Status == HeaderCopyStatus.BothValid && bytes.Length == CheckpointHeader.FileSize);
    });

    [Test]
    public void Database_verifier_page_checks_and_trailer_parse_never_throw() => RunBounded(bytes =>
    {
        var v = new DatabasePageVerifier("x.edb");
        for (var i = 0; i < bytes.Length; i += 3001)
        {
            v.Append(bytes.AsSpan(i, Math.Min(3001, bytes.Length - i)));
        }

        var r = v.Complete(bytes.Length);
        foreach (var size in new[] { 2048, 4096, 8192, 16384, 32768 })
        {
            if (bytes.Length >= size)
            {
                _ = PageChecksum.VerifyPage(bytes.AsSpan(0, size), 3).Describe();
                _ = PageHeader.Read(bytes.AsSpan(0, size)).CheckStructure(size);
                _ = TrailerPage.Parse(bytes.AsSpan(0, size));
            }
        }

        return r.PagesSeen >= 0 && (r.Ok || r.Problems.Count > 0);
    });

    [Test]
    public void Log_file_names_never_throw() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<string>()), (string s) =>
        {
            try
            {
                _ = LogFileName.TryParse(s ?? string.Empty);
            }
            catch (ArgumentException)
            {
                // Path APIs reject some characters on some platforms; not a parser crash.
            }

            return true;
        }));

    private static void TouchAll(object o)
    {
        foreach (var p in o.GetType().GetProperties())
        {
            var value = p.GetValue(o);
            _ = value?.ToString();
        }
    }
}
