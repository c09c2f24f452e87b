using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Tests;

/// <summary>A whole backup of the XP CatRoot2 set through the native path.</summary>
public sealed class NativeBackupTests
{
    private const int PageSize = 4096;
    private const int BkInfoFullCur = 184;

    [Test]
    public void Full_backup_through_the_native_fixture_reproduces_the_source_files()
    {
        using var f = new FixtureInstance();
        var sources = f.Databases.ToDictionary(d => d, File.ReadAllBytes);
        var currentLog = File.ReadAllBytes(Path.Combine(f.Folder, "edb.log"));
        var destination = f.Sub("backup");

        var logs = DirectBackup.Run(f.Engine, destination, bufferBytes: 16 * PageSize);

        Assert.That(logs.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
        foreach (var (path, source) in sources)
        {
            var copy = File.ReadAllBytes(Path.Combine(destination, Path.GetFileName(Path.GetDirectoryName(path)!), "catdb"));
            Assert.Multiple(() =>
            {
                Assert.That(copy, Has.Length.EqualTo(source.Length + PageSize), "2 header pages + pages 1..last + trailer");
                Assert.That(copy.AsSpan(2 * PageSize, source.Length - 2 * PageSize).SequenceEqual(source.AsSpan(2 * PageSize)), Is.True, $"data pages of {path}");
                for (var h = 0; h < 2; h++)
                {
                    var header = copy.AsSpan(h * PageSize, PageSize);
                    Assert.That(header[4..BkInfoFullCur].SequenceEqual(source.AsSpan(4, BkInfoFullCur - 4)), Is.True, "header before bkinfoFullCur");
                    Assert.That(header[(BkInfoFullCur + 24)..].SequenceEqual(source.AsSpan(BkInfoFullCur + 24, PageSize - BkInfoFullCur - 24)), Is.True, "header after bkinfoFullCur");
                    Assert.That(BitConverter.ToUInt32(header[(BkInfoFullCur + 16)..]), Is.EqualTo(131u), "bkinfoFullCur.genLow = checkpoint generation");
                    Assert.That(BitConverter.ToUInt32(header[(BkInfoFullCur + 20)..]), Is.Zero, "bkinfoFullCur.genHigh = 0 in a streamed copy");
                    Assert.That(BitConverter.ToUInt32(header), Is.EqualTo(Xor32(header)), "header checksum recomputed");
                }

                var trailer = copy.AsSpan(copy.Length - PageSize);
                Assert.That(trailer.Slice(64, 28).SequenceEqual(source.AsSpan(24, 28)), Is.True, "trailer signDb");
                Assert.That(trailer.Slice(92, 28).SequenceEqual(source.AsSpan(108, 28)), Is.True, "trailer signLog");
                Assert.That(BitConverter.ToUInt32(trailer), Is.EqualTo(Xor32(trailer)), "trailer checksum");
            });
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(destination, "edb00083.log")), Is.EqualTo(currentLog), "the rolled log is the former edb.log, byte for byte");
            Assert.That(Directory.GetFiles(f.Folder, "edb000*.log").Select(Path.GetFileName), Is.EqualTo(new[] { "edb00083.log" }), "generations 126..130 were truncated");
            Assert.That(f.Control.CallsTo("JetTruncateLogInstance").Single(), Does.Contain("-> 0"));
        });
    }

    private static uint Xor32(ReadOnlySpan<byte> page)
    {
        var x = 0x89abcdefu;
        for (var i = 4; i < page.Length; i += 4)
        {
            x ^= BitConverter.ToUInt32(page[i..]);
        }

        return x;
    }
}
