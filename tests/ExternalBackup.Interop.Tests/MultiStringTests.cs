using System.Text;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>The multi-string reader's edge cases, with a scripted native call and with the fixture.</summary>
public sealed unsafe class MultiStringTests
{
    [Test]
    public void An_empty_list_is_one_NUL()
    {
        using var scratch = new ScratchDirectory("empty-attach");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        using var control = new FixtureControl();
        using var host = NativeEngineHost.Open(new NativeEngineHostOptions { LibraryPath = NativeFixture.LibraryPath, SystemPath = folder });
        host.BeginExternalBackup(BackupGrbits.None);
        Assert.That(host.GetAttachInfo(), Is.Empty);
        Assert.That(control.CallsTo("JetGetAttachInfoInstanceW")[0], Does.Contain("*pcbActual=2"));
        host.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void A_reply_shorter_than_the_buffer_without_terminator_is_a_clear_error()
    {
        var reply = Encoding.Unicode.GetBytes("C:\\db\\a.edb"); // no NULs at all
        var e = Assert.Throws<InvalidDataException>(() => MultiString.Query("JetGetLogInfoInstance2W", (buffer, cbMax, pcbActual) =>
        {
            if (buffer == null)
            {
                *pcbActual = (uint)reply.Length + 10;
                return 0;
            }

            reply.CopyTo(new Span<byte>(buffer, (int)cbMax));
            *pcbActual = (uint)reply.Length;
            return 0;
        }))!;
        Assert.That(e.Message, Is.EqualTo($"JetGetLogInfoInstance2W returned {reply.Length} bytes that do not end with the list terminator (two NUL characters)."));
    }

    [Test]
    public void A_list_that_keeps_growing_stops_with_BufferTooSmall()
    {
        var e = Assert.Throws<EseException>(() => MultiString.Query("JetGetAttachInfoInstanceW", (buffer, cbMax, pcbActual) =>
        {
            *pcbActual = cbMax + 100; // always more than given (the attach-info rule reports the required size)
            return 0;
        }))!;
        Assert.That((e.Call, e.Error), Is.EqualTo(("JetGetAttachInfoInstanceW", JetError.BufferTooSmall)));
    }

    [Test]
    public void An_error_in_the_size_query_names_it()
    {
        var e = Assert.Throws<EseException>(() => MultiString.Query("JetGetTruncateLogInfoInstanceW", (_, _, _) => (int)JetError.NoBackup))!;
        Assert.That(e.Message, Is.EqualTo("JetGetTruncateLogInfoInstanceW failed with JET_errNoBackup (-520): size query (NULL buffer)"));
    }

    [TestCase(new byte[] { 0, 0 }, true)]
    [TestCase(new byte[] { 0x61, 0, 0, 0, 0, 0 }, true)]
    [TestCase(new byte[] { 0x61, 0, 0, 0 }, false)]
    [TestCase(new byte[] { }, false)]
    public void IsComplete_wants_one_NUL_for_an_empty_list_or_two_at_the_end(byte[] data, bool complete) =>
        Assert.That(MultiString.IsComplete(data), Is.EqualTo(complete));

    [Test]
    public void Decode_splits_at_NULs_and_keeps_surrogate_pairs()
    {
        var data = Encoding.Unicode.GetBytes("/a/Données\0/b/日本/𝔼\0\0");
        Assert.That(MultiString.Decode(data), Is.EqualTo(new[] { "/a/Données", "/b/日本/𝔼" }));
    }
}
