using System.Buffers.Binary;
using ExternalBackup.Engine;
using ExternalBackup.Tests.Common;
using static ExternalBackup.Tests.EngineModelTests.XpInstance;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>What the model streams: the database stream format and the rolled log.</summary>
public class EngineModelStreamTests
{
    private const int Page = 4096;

    [TestCase(SmallDb, 3 * Page)]
    [TestCase(SmallDb, 64 * 1024)]
    [TestCase(LargeDb, 256 * 1024)]
    [TestCase(LargeDb, 259 * Page)]
    public void Database_stream_is_two_headers_the_source_pages_and_a_trailer(string db, int bufferBytes)
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var source = File.ReadAllBytes(xp.PathOf(db));
        model.BeginExternalBackup(BackupGrbits.None);
        var stream = ReadWhole(model, xp.PathOf(db), bufferBytes);

        var lastPgno = (source.Length / Page) - 2;
        Assert.That(stream, Has.Length.EqualTo((lastPgno + 3) * Page));

        // Header and shadow: the source header with bkinfoFullCur = {mark, time, genLow = 131, genHigh = 0}, resealed.
        var header = stream.AsSpan(0, Page);
        Assert.That(header.SequenceEqual(stream.AsSpan(Page, Page)), Is.True, "two identical header copies");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(header), Is.EqualTo(EngineModelSequenceTests.XorChecksum(header)));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(header[(184 + 16)..]), Is.EqualTo(131u), "bkinfoFullCur.genLow = checkpoint generation");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(header[(184 + 20)..]), Is.EqualTo(0u), "bkinfoFullCur.genHigh = 0 in a streamed copy");
        Assert.That(header[4..184].SequenceEqual(source.AsSpan(4, 180)), Is.True);
        Assert.That(header[208..].SequenceEqual(source.AsSpan(208, Page - 208)), Is.True);

        // Pages 1..lastPgno: byte for byte the source pages, at the same offsets.
        Assert.That(stream.AsSpan(2 * Page, lastPgno * Page).SequenceEqual(source.AsSpan(2 * Page, lastPgno * Page)), Is.True, "data pages equal the source");

        // Trailer: checksummed as a header page, backup info and signatures.
        var trailer = stream.AsSpan((lastPgno + 2) * Page, Page);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(trailer), Is.EqualTo(EngineModelSequenceTests.XorChecksum(trailer)));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(trailer[(40 + 16)..]), Is.EqualTo(131u), "trailer genLow");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(trailer[(40 + 20)..]), Is.EqualTo(131u), "trailer genHigh = current generation");
        Assert.That(trailer[64..92].SequenceEqual(source.AsSpan(24, 28)), Is.True, "signDb");
        Assert.That(trailer[92..120].SequenceEqual(source.AsSpan(108, 28)), Is.True, "signLog");
        Assert.That(trailer[4..16].ContainsAnyExcept((byte)0) || trailer[24..28].ContainsAnyExcept((byte)0), Is.False, "dwords 1, 2, 3 and 6 zero: eseutil's trailer test");
    }

    [Test]
    public void Trailer_comes_in_its_own_read_when_the_last_data_read_fills_the_buffer()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        model.BeginExternalBackup(BackupGrbits.None);
        var handle = model.OpenFile(xp.PathOf(SmallDb));
        using var buffer = new AlignedBuffer(258 * Page);
        Assert.That(model.ReadFile(handle, buffer.Span), Is.EqualTo(258 * Page), "2 headers + 256 pages fill the buffer");
        Assert.That(model.ReadFile(handle, buffer.Span), Is.EqualTo(Page), "then the trailer alone");
        Assert.That(model.ReadFile(handle, buffer.Span), Is.EqualTo(0), "then the end");
        model.CloseFile(handle);
    }

    [Test]
    public void Log_roll_archives_the_current_log_and_writes_a_valid_next_generation()
    {
        using var xp = new XpInstance();
        var model = xp.Open(XpInstance.CheckpointFollowsRoll);
        var oldCurrent = File.ReadAllBytes(xp.PathOf("edb.log"));
        model.BeginExternalBackup(BackupGrbits.None);
        model.GetLogInfo();

        Assert.That(File.ReadAllBytes(xp.PathOf("edb00083.log")), Is.EqualTo(oldCurrent), "generation 131 archived under 5 hex digits, unchanged");
        var next = File.ReadAllBytes(xp.PathOf("edb.log"));
        Assert.That(next, Has.Length.EqualTo(oldCurrent.Length));
        var header = next.AsSpan(0, 4096);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(header), Is.EqualTo(EngineModelSequenceTests.XorChecksum(header)), "header checksum");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), Is.EqualTo(132u), "generation + 1");
        Assert.That(header[24..32].SequenceEqual(oldCurrent.AsSpan(16, 8)), Is.True, "prev gen time = creation time of 131");
        Assert.That(header[8..16].SequenceEqual(oldCurrent.AsSpan(8, 8)), Is.True, "same geometry");
        Assert.That(header[44..72].SequenceEqual(oldCurrent.AsSpan(44, 28)), Is.True, "same log signature");
        Assert.That(next[4096], Is.EqualTo(42), "v7 log body starts with an LRCHECKSUM record");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(next.AsSpan(4096 + 13)), Is.EqualTo(0xFEEDBEAFu ^ 0xD1u ^ 132u), "empty LRCHECKSUM record checksum");
        Assert.That(File.Exists(xp.PathOf("edbtmp.log")), Is.False);

        var checkpoint = File.ReadAllBytes(xp.PathOf("edb.chk"));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(checkpoint.AsSpan(16)), Is.EqualTo(132));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(checkpoint), Is.EqualTo(EngineModelSequenceTests.XorChecksum(checkpoint.AsSpan(0, 4096))));
        Assert.That(checkpoint.AsSpan(0, 4096).SequenceEqual(checkpoint.AsSpan(4096, 4096)), Is.True);
    }

    [Test]
    public void Log_stream_is_the_file_bytes()
    {
        using var xp = new XpInstance();
        var model = xp.Open();
        var expected = File.ReadAllBytes(TestPaths.CorpusFile($"{Set}/edb.log"));
        model.BeginExternalBackup(BackupGrbits.None);
        var logs = model.GetLogInfo();
        Assert.That(ReadWhole(model, logs.Files[0], 3 * Page), Is.EqualTo(expected));
        model.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Eight_digit_names_when_configured()
    {
        using var xp = new XpInstance();
        var model = xp.Open(new Testing.EngineModel.EngineModelOptions { EightDotThreeLogNames = false });
        model.BeginExternalBackup(BackupGrbits.None);
        var logs = model.GetLogInfo();
        Assert.That(logs.Files, Is.EqualTo(new[] { xp.PathOf("edb00000083.log") }));
        Assert.That(model.LogPath(126), Is.EqualTo(xp.PathOf("edb0007E.log")), "existing 5-digit names are still found");
    }
}
