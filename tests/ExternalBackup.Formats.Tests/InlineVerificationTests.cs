using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Formats.Tests;

/// <summary>The inline API as a copy pipeline uses it: verify while copying.</summary>
public class InlineVerificationTests
{
    [Test]
    public async Task Copy_through_a_verifying_stream_verifies_the_database_and_keeps_the_bytes()
    {
        using var source = new MemoryStream();
        await SyntheticDatabaseWriter.WriteAsync(source, new SyntheticDatabaseOptions { PageSize = 16384, PageCount = 64 });
        var original = source.ToArray();
        source.Position = 0;
        var verifier = new DatabasePageVerifier("copy.edb");
        using var target = new MemoryStream();
        await using (var verifying = new VerifyingReadStream(source, verifier, leaveOpen: true))
        {
            await verifying.CopyToAsync(target, 10000);
        }

        var r = verifier.Complete(original.Length);
        Assert.Multiple(() =>
        {
            Assert.That(target.ToArray(), Is.EqualTo(original));
            Assert.That(r.Ok, Is.True, string.Join("\n", r.Problems));
            Assert.That(r.PageSize, Is.EqualTo(16384));
            Assert.That(r.PagesSeen, Is.EqualTo(66));
        });
    }

    [Test]
    public async Task Log_verifier_fed_in_chunks_matches_a_whole_feed()
    {
        var header = Log.LogFileHeader.CreateV8(9, new SyntheticLogSetOptions().LogSignature, Primitives.LogTime.FromDateTime(DateTime.UtcNow), 128 * 1024);
        var (bytes, accumulated) = SyntheticLogWriter.BuildLog(header, 12);
        var whole = new LogFileVerifier("a.log");
        whole.Append(bytes);
        var chunked = new LogFileVerifier("b.log");
        await using (var s = new VerifyingReadStream(new MemoryStream(bytes), chunked))
        {
            await s.CopyToAsync(Stream.Null, 3333);
        }

        var a = whole.Complete();
        var b = chunked.Complete();
        Assert.Multiple(() =>
        {
            Assert.That(a.Ok && b.Ok, Is.True, string.Join("\n", a.Problems.Concat(b.Problems)));
            Assert.That(b.SegmentsChecked, Is.EqualTo(a.SegmentsChecked));
            Assert.That(a.AccumulatedSegmentChecksum, Is.EqualTo(accumulated));
            Assert.That(b.AccumulatedSegmentChecksum, Is.EqualTo(accumulated));
        });
    }
}
