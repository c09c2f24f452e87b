using System.Text.RegularExpressions;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>The engine boundary over the native calls, proven against the fixture's record of what crossed the ABI.</summary>
public sealed partial class NativeEngineTests
{
    private const string NonAscii = "Données-日本";

    [Test]
    public void Host_passes_UTF16_paths_and_attach_info_returns_the_same_non_ASCII_names()
    {
        using var f = new FixtureInstance(folderName: NonAscii, prepare: folder =>
        {
            // a third database whose folder name needs a UTF-16 surrogate pair
            var odd = Path.Combine(folder, "𝔼sé-ü", "catdb");
            Directory.CreateDirectory(Path.GetDirectoryName(odd)!);
            File.Copy(Path.Combine(folder, "{127D0A1D-4EF2-11D1-8608-00C04FC295EE}", "catdb"), odd);
        });

        Assert.That(f.Databases, Has.Count.EqualTo(3));
        Assert.That(f.Databases, Has.Some.Contains("𝔼sé-ü"));
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        var attached = f.Engine.GetAttachInfo();
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);

        Assert.Multiple(() =>
        {
            Assert.That(attached, Is.EqualTo(f.Databases), "the multi-string decodes to the exact paths attached");
            Assert.That(attached, Has.All.Contains(NonAscii));
            var sep = Path.DirectorySeparatorChar;
            Assert.That(f.Control.CallsTo("JetSetSystemParameterW"), Has.Some.Contains($"paramid=0 lParam=0 szParam=\"{f.Folder}{sep}\""));
            Assert.That(f.Control.CallsTo("JetSetSystemParameterW"), Has.Some.Contains($"paramid=2 lParam=0 szParam=\"{f.Folder}{sep}\""));
            Assert.That(f.Control.CallsTo("JetSetSystemParameterW"), Has.Some.Contains("paramid=3 lParam=0 szParam=\"edb\""));
            Assert.That(f.Control.CallsTo("JetSetSystemParameterW"), Has.Some.Contains("paramid=64 lParam=4096"));
            Assert.That(f.Control.CallsTo("JetSetSystemParameterW"), Has.Some.Contains("paramid=136 lParam=3"));
            Assert.That(f.Control.CallsTo("JetAttachDatabaseW").Select(AttachedPath), Is.EqualTo(f.Databases), "the fixture decoded each UTF-16 path to the same name");
            Assert.That(f.Control.CallsTo("JetInit3W").Single(), Does.Contain("prstInfo=NULL grbit=0x0").And.Contain("-> 0"));
        });
    }

    [Test]
    public void GetLogInfo_fills_JET_LOGINFO_W_and_lists_the_rolled_log()
    {
        using var f = new FixtureInstance();
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        var info = f.Engine.GetLogInfo();
        Assert.Multiple(() =>
        {
            // edb.chk holds checkpoint generation 131 and edb.log is generation 131: the roll archives it as edb00083.log
            Assert.That(info.Info, Is.EqualTo(new JetLogInfo(131, 131, "edb")));
            Assert.That(info.Files, Is.EqualTo(new[] { Path.Combine(f.Folder, "edb00083.log") }));
            Assert.That(f.Control.CallsTo("JetGetLogInfoInstance2W"), Has.All.Contains("pLogInfo.cbSize=20"));
            Assert.That(f.Control.CallLog(), Does.Contain("*pLogInfo={cbSize=20, ulGenLow=131, ulGenHigh=131, szBaseName=\"edb\"}"));
            Assert.That(f.Engine.GetTruncateLogInfo(), Is.EqualTo(Enumerable.Range(0x7E, 5).Select(g => Path.Combine(f.Folder, $"edb{g:X5}.log"))));
        });
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Attach_info_grows_the_buffer_when_the_size_query_was_short()
    {
        using var f = new FixtureInstance();
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        f.Control.ShortenSizeQueries(1, 40);
        var attached = f.Engine.GetAttachInfo();
        var calls = f.Control.CallsTo("JetGetAttachInfoInstanceW");
        Assert.Multiple(() =>
        {
            Assert.That(attached, Is.EqualTo(f.Databases));
            Assert.That(calls, Has.Count.EqualTo(3), "size query, a read into the short buffer, a read into the required size");
            var required = f.Databases.Sum(d => (d.Length + 1) * 2) + 2;
            Assert.That(calls[0], Does.Contain("szz=NULL").And.Contain($"*pcbActual={required - 40}"));
            Assert.That(calls[1], Does.Contain($"cbMax={required - 40}").And.Contain($"*pcbActual={required}"), "§5.4: pcbActual is the required size");
            Assert.That(calls[2], Does.Contain($"cbMax={required}").And.Contain($"*pcbActual={required}"));
        });
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Log_info_grows_the_buffer_when_a_full_buffer_lacks_the_terminator()
    {
        using var f = new FixtureInstance();
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        f.Control.ShortenSizeQueries(1, 20);
        var truncate = f.Engine.GetTruncateLogInfo();
        var calls = f.Control.CallsTo("JetGetTruncateLogInfoInstanceW");
        Assert.Multiple(() =>
        {
            Assert.That(truncate, Has.Count.EqualTo(5));
            Assert.That(calls, Has.Count.EqualTo(3));
            var required = truncate.Sum(d => (d.Length + 1) * 2) + 2;
            Assert.That(calls[1], Does.Contain($"cbMax={required - 20}").And.Contain($"*pcbActual={required - 20}"), "§5.8: pcbActual is what was copied");
            Assert.That(calls[2], Does.Contain($"cbMax={(required - 20) * 2}").And.Contain($"*pcbActual={required}"));
        });
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void OpenFile_combines_the_low_and_high_size_words_beyond_4_GiB()
    {
        const long physical = 5L * 1024 * 1024 * 1024;
        using var f = new FixtureInstance(prepare: folder =>
        {
            var big = Path.Combine(folder, "big", "catdb");
            Directory.CreateDirectory(Path.GetDirectoryName(big)!);
            using var output = File.Create(big);
            var header = File.ReadAllBytes(Path.Combine(folder, "{127D0A1D-4EF2-11D1-8608-00C04FC295EE}", "catdb")).AsSpan(0, 3 * 4096);
            output.Write(header);
            output.SetLength(physical); // sparse
        });
        var bigDb = f.Databases.Single(d => d.Contains("big", StringComparison.Ordinal));
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        var handle = f.Engine.OpenFile(bigDb);
        f.Engine.CloseFile(handle);
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
        var expected = physical + 4096; // (lastPgno + 3) pages: the file's 2 header pages + data + 1 trailer (§5.5)
        Assert.Multiple(() =>
        {
            Assert.That(handle.Size, Is.EqualTo(expected));
            Assert.That(handle.Handle, Is.EqualTo((nint)0), "the handle is the slot index (§5.1)");
            Assert.That(f.Control.CallsTo("JetOpenFileInstanceW").Single(),
                Does.Contain($"*pulFileSizeLow={(uint)(expected & 0xFFFFFFFF)} *pulFileSizeHigh={(uint)(expected >> 32)}"));
        });
    }

    [Test]
    public void ReadFile_hands_the_callers_aligned_buffer_to_the_engine_and_allocates_nothing_per_read()
    {
        using var f = new FixtureInstance();
        using var buffer = new AlignedBuffer(3 * 4096);
        var source = File.ReadAllBytes(f.Databases[1]);
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        var handle = f.Engine.OpenFile(f.Databases[1]);
        Assert.That(f.Engine.ReadFile(handle, buffer.Span), Is.EqualTo(3 * 4096));
        Assert.That(buffer.Span[(2 * 4096)..].SequenceEqual(source.AsSpan(2 * 4096, 4096)), Is.True, "page 1 arrives at stream offset 2 pages");

        var before = GC.GetAllocatedBytesForCurrentThread();
        long read = 0;
        for (var i = 0; i < 100; i++)
        {
            read += f.Engine.ReadFile(handle, buffer.Span);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        f.Engine.CloseFile(handle);
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(100 * 3 * 4096L));
            Assert.That(allocated, Is.Zero, "ReadFile must not allocate");
            Assert.That(f.Control.CallsTo("JetReadFileInstance"), Has.All.Contains("pvAligned=1 cb=12288"));
        });
    }

    [TestCase("JetBeginExternalBackupInstance", JetError.LogDiskFull)]
    [TestCase("JetGetAttachInfoInstanceW", JetError.OutOfMemory)]
    [TestCase("JetOpenFileInstanceW", JetError.DiskIO)]
    [TestCase("JetReadFileInstance", JetError.ReadVerifyFailure)]
    [TestCase("JetCloseFileInstance", JetError.InvalidParameter)]
    [TestCase("JetGetLogInfoInstance2W", JetError.FileNotFound)]
    [TestCase("JetGetTruncateLogInfoInstanceW", JetError.MissingFileToBackup)]
    [TestCase("JetTruncateLogInstance", JetError.LogFileNotCopied)]
    [TestCase("JetEndExternalBackupInstance2", JetError.NoBackup)]
    public void A_failing_call_becomes_EseException_naming_the_call_and_the_code(string call, JetError code)
    {
        using var f = new FixtureInstance();
        using var buffer = new AlignedBuffer(64 * 1024);
        using var destination = new ScratchDirectory("fail");
        f.Control.FailCall(call, 1, (int)code);
        var e = Assert.Throws<EseException>(() => DirectBackup.Run(f.Engine, destination.Path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Call, Is.EqualTo(call));
            Assert.That(e.Error, Is.EqualTo(code));
            Assert.That(e.Message, Does.StartWith($"{call} failed with {JetErrorNames.EseName(code)} ({(int)code})"));
            Assert.That(f.Control.CallLog(), Does.Contain($"injected failure of {call}\n  -> {(int)code}"));
        });
    }

    [Test]
    public void StopBackup_makes_later_calls_fail_with_BackupAbortByServer()
    {
        using var f = new FixtureInstance();
        f.Control.FailCall("JetStopBackupInstance", 2, (int)JetError.InvalidInstance);
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        f.Engine.StopBackup();
        var e = Assert.Throws<EseException>(() => f.Engine.GetAttachInfo())!;
        Assert.That(e.Error, Is.EqualTo(JetError.BackupAbortByServer));
        var second = Assert.Throws<EseException>(() => f.Engine.StopBackup())!;
        Assert.That((second.Call, second.Error), Is.EqualTo(("JetStopBackupInstance", JetError.InvalidInstance)));
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Engine_rule_violations_come_back_as_their_codes()
    {
        using var f = new FixtureInstance();
        using var misaligned = new AlignedBuffer(3 * 4096, offset: 512);
        using var small = new AlignedBuffer(2 * 4096);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<EseException>(() => f.Engine.OpenFile(f.Databases[0]))!.Error, Is.EqualTo(JetError.NoBackup));
            Assert.That(Assert.Throws<EseException>(() => f.Engine.BeginExternalBackup(BackupGrbits.Atomic))!.Error, Is.EqualTo(JetError.InvalidGrbit));
        });
        f.Engine.BeginExternalBackup(BackupGrbits.None);
        Assert.That(Assert.Throws<EseException>(() => f.Engine.BeginExternalBackup(BackupGrbits.None))!.Error, Is.EqualTo(JetError.BackupInProgress));
        var handle = f.Engine.OpenFile(f.Databases[0]);
        var e = Assert.Throws<EseException>(() => f.Engine.ReadFile(handle, misaligned.Span))!;
        Assert.Multiple(() =>
        {
            Assert.That((e.Call, e.Error), Is.EqualTo(("JetReadFileInstance", JetError.InvalidParameter)));
            Assert.That(e.Detail, Is.EqualTo("handle 0, 12288-byte buffer"));
            Assert.That(Assert.Throws<EseException>(() => f.Engine.ReadFile(handle, small.Span))!.Error, Is.EqualTo(JetError.InvalidParameter), "first DB read < 3 pages");
            Assert.That(Assert.Throws<EseException>(() => f.Engine.OpenFile(f.Databases[1]))!.Error, Is.EqualTo(JetError.OutOfMemory), "one open file at a time");
        });
        f.Engine.CloseFile(handle);
        f.Engine.GetLogInfo();
        var truncate = Assert.Throws<EseException>(() => f.Engine.TruncateLog())!;
        Assert.That((truncate.Call, truncate.Error), Is.EqualTo(("JetTruncateLogInstance", JetError.LogFileNotCopied)));
        f.Engine.EndExternalBackup(EndBackupGrbits.Abort);
    }

    [Test]
    public void Dispose_ends_the_session_and_terminates_the_instance_with_JetTerm2()
    {
        var f = new FixtureInstance();
        f.Engine.BeginExternalBackup(BackupGrbits.None); // still running: StopBackup lets JetTerm2 end it
        f.Host.Dispose();
        var log = f.Control.CallLog();
        f.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Match(@"JetEndSession sesid=\d+ grbit=0x0\n  -> 0"));
            Assert.That(Regex.Matches(log, @"JetTerm2 instance=\d+ grbit=0x4\n  -> 0"), Has.Count.EqualTo(1), "terminated exactly once");
        });
    }

    [Test]
    public void An_instance_that_is_never_disposed_is_terminated_by_its_safe_handle()
    {
        using var control = new FixtureControl();
        CreateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(control.CallsTo("JetTerm2").Single(), Does.Contain("-> 0"));

        static void CreateAndDrop()
        {
            var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
            library.CreateInstance("dropped");
            library.Dispose();
        }
    }

    private static string AttachedPath(string call) => AttachRegex().Match(call).Groups[1].Value;

    [GeneratedRegex("szFilename=\"(.*)\" grbit")]
    private static partial Regex AttachRegex();
}
