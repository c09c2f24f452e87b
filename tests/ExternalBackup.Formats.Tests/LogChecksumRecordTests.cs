using System.Buffers.Binary;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>The v7 LRCHECKSUM record that closes an empty log, and the first-sight database header recognition.</summary>
public class LogChecksumRecordTests
{
    [Test]
    public void Empty_chain_record_has_the_documented_bytes()
    {
        var record = new byte[LogChecksumRecord.Size + 2];
        record.AsSpan().Fill(0x55);
        LogChecksumRecord.WriteEmptyChain(record, 132);
        Assert.Multiple(() =>
        {
            Assert.That(record[0], Is.EqualTo(42), "lrtyp");
            Assert.That(record.AsSpan(1, 12).ToArray(), Is.All.EqualTo(0), "cbBackwards, cbForwards, cbNext");
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(13)), Is.EqualTo(0xFEEDBEAFu ^ 0xD1u ^ 132u), "checksum");
            Assert.That(record.AsSpan(17, 4).ToArray(), Is.All.EqualTo(0), "short checksum");
            Assert.That(record[21], Is.EqualTo(0xD1), "short checksum off");
            Assert.That(record.AsSpan(22).ToArray(), Is.All.EqualTo(0x55), "bytes after the record untouched");
        });
    }

    [Test]
    public void Empty_chain_record_is_too_big_for_a_short_span()
    {
        Assert.That(() => LogChecksumRecord.WriteEmptyChain(new byte[21], 1), Throws.ArgumentException);
    }

    [Test]
    public void Next_generation_of_a_real_v7_log_with_an_empty_chain_verifies()
    {
        var current = File.ReadAllBytes(TestPaths.CorpusFile("xp-catroot2-logset/edb.log"));
        var header = LogFileHeader.Parse(current);
        Assert.That(header.MajorVersion, Is.EqualTo(7u), "corpus log is v7");
        var next = header.CreateNext(LogTime.FromDateTime(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        var body = new byte[current.Length];
        next.Write(body);
        LogChecksumRecord.WriteEmptyChain(body.AsSpan(LogFileHeader.Size), (uint)next.Generation);
        body.AsSpan(LogFileHeader.Size + LogChecksumRecord.Size).Fill(0xDA);

        var verifier = new LogFileVerifier("next.log");
        verifier.Append(body);
        var result = verifier.Complete();
        Assert.Multiple(() =>
        {
            Assert.That(result.Problems, Is.Empty);
            Assert.That(result.Generation, Is.EqualTo(header.Generation + 1));
            Assert.That(result.ChecksumRecordsChecked, Is.EqualTo(1));
        });
    }

    [TestCase("dissect-synthetic/basic.edb")]
    [TestCase("xp-catroot2-logset/{127D0A1D-4EF2-11D1-8608-00C04FC295EE}/catdb")]
    public void Real_database_headers_look_like_databases(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile(file));
        Assert.That(DatabaseHeader.Parse(bytes).LooksLikeDatabase, Is.True);
    }

    [Test]
    public void Streaming_files_logs_and_bad_magic_do_not_look_like_databases()
    {
        var bytes = File.ReadAllBytes(TestPaths.CorpusFile("dissect-synthetic/basic.edb"));
        var streaming = DatabaseHeader.Parse(bytes);
        streaming.Attributes = 1;
        var log = DatabaseHeader.Parse(bytes);
        log.FileType = EseFileType.Log;
        var noMagic = DatabaseHeader.Parse(bytes);
        noMagic.Magic = 0;
        var old = DatabaseHeader.Parse(bytes);
        old.FileType = EseFileType.Unknown;
        Assert.Multiple(() =>
        {
            Assert.That(streaming.LooksLikeDatabase, Is.False, "le_attrib 1");
            Assert.That(log.LooksLikeDatabase, Is.False, "file type log");
            Assert.That(noMagic.LooksLikeDatabase, Is.False, "no magic");
            Assert.That(old.LooksLikeDatabase, Is.True, "file type 0 (old files)");
        });
    }
}
