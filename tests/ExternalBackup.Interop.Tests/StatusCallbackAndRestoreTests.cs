using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Interop.Esent.Native;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>JET_PFNSTATUS called from native code, and the restore structs (JET_RSTMAP_W, JET_LOGINFO_W, JET_RSTINFO_W) as the fixture reads them.</summary>
public sealed class StatusCallbackAndRestoreTests
{
    [Test]
    public void JetBackupInstanceW_calls_the_status_callback_from_native_code()
    {
        using var f = new FixtureInstance();
        var destination = f.Sub("simple-backup");
        var seen = new List<(JetSnp, JetSnt, JetSnProg, int)>();
        f.Host.Instance.Backup(destination, BackupGrbits.None, (snp, snt, progress) =>
        {
            seen.Add((snp, snt, progress, Environment.CurrentManagedThreadId));
            return JetError.Success;
        });

        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(s => (s.Item1, s.Item2, s.Item3)), Is.EqualTo(new[]
            {
                (JetSnp.Backup, JetSnt.Begin, new JetSnProg(0, 100)),
                (JetSnp.Backup, JetSnt.Complete, new JetSnProg(100, 100)),
            }));
            Assert.That(f.Control.CallLog(), Does.Contain("status callback (snp=9, snt=5, cunitDone=0) returned 0"));
            Assert.That(Directory.GetFiles(destination).Select(Path.GetFileName), Is.EquivalentTo(new[] { "catdb", "edb00083.log" }),
                "the fixture's JetBackupInstanceW writes the streams (both databases are named catdb, the second overwrites the first)");
        });
    }

    [Test]
    public void An_exception_in_the_callback_returns_JET_errCallbackFailed_to_native_code_and_is_rethrown_after()
    {
        using var f = new FixtureInstance();
        var destination = f.Sub("throwing-backup");
        var thrown = new InvalidOperationException("callback broke");
        var e = Assert.Throws<InvalidOperationException>(() => f.Host.Instance.Backup(destination, BackupGrbits.None, (_, _, _) => throw thrown))!;
        Assert.Multiple(() =>
        {
            Assert.That(e, Is.SameAs(thrown));
            Assert.That(f.Control.CallLog(), Does.Contain("status callback (snp=9, snt=5, cunitDone=0) returned -2101"));
        });
    }

    [Test]
    public void JetRestoreInstanceW_passes_both_paths_and_reports_restore_progress()
    {
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        using var control = new FixtureControl();
        using var instance = library.CreateInstance("restore-target");
        var progress = new List<(JetSnt, uint)>();
        instance.Restore("/backups/Données-日本", "/restore/到着", (snp, snt, p) =>
        {
            Assert.That(snp, Is.EqualTo(JetSnp.Restore));
            progress.Add((snt, p.UnitsDone));
            return JetError.Success;
        });
        Assert.Multiple(() =>
        {
            Assert.That(progress, Is.EqualTo(new[] { (JetSnt.Begin, 0u), (JetSnt.Progress, 50u), (JetSnt.Complete, 100u) }));
            Assert.That(control.CallsTo("JetRestoreInstanceW").Single(), Does.Contain("sz=\"/backups/Données-日本\" szDest=\"/restore/到着\" pfn=set"));
        });
    }

    [Test]
    public void JetExternalRestore2W_sees_the_restore_map_and_JET_LOGINFO_W_fields()
    {
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        using var control = new FixtureControl();
        var called = 0;
        var result = library.ExternalRestore(new ExternalRestoreRequest
        {
            CheckpointPath = "/restore/chk",
            LogPath = "/restore/logs",
            BackupLogPath = "/backup/Données-日本",
            LogInfo = new JetLogInfo(126, 131, "edb"),
            Mappings =
            [
                new RestoreMapping(@"C:\WINDOWS\system32\CatRoot2\{F750E6C3}\catdb", "/restore/Données/catdb"),
                new RestoreMapping("/old/𝔼.edb", "/new/日本.edb"),
            ],
            StatusCallback = (_, _, _) =>
            {
                called++;
                return JetError.Success;
            },
        });
        var call = control.CallsTo("JetExternalRestore2W").Single();
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(JetError.Success));
            Assert.That(called, Is.EqualTo(3));
            Assert.That(call, Does.Contain("szCheckpointFilePath=\"/restore/chk\" szLogPath=\"/restore/logs\" crstfilemap=2 szBackupLogPath=\"/backup/Données-日本\""));
            Assert.That(call, Does.Contain("szTargetInstanceName=\"(null)\""));
            Assert.That(call, Does.Contain(@"rstmap[0] ""C:\WINDOWS\system32\CatRoot2\{F750E6C3}\catdb"" -> ""/restore/Données/catdb"""));
            Assert.That(call, Does.Contain("rstmap[1] \"/old/𝔼.edb\" -> \"/new/日本.edb\""));
            Assert.That(call, Does.Contain("pLogInfo={cbSize=20, ulGenLow=126, ulGenHigh=131, szBaseName=\"edb\", szBaseName[3]=0}"));
        });
    }

    [Test]
    public void JetExternalRestore2W_errors_name_the_call()
    {
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        using var control = new FixtureControl();
        var e = Assert.Throws<EseException>(() => library.ExternalRestore(new ExternalRestoreRequest
        {
            CheckpointPath = "/c",
            LogPath = "/l",
            BackupLogPath = "/b",
            LogInfo = new JetLogInfo(1, 2, "edb"),
            TargetInstanceName = "named",
            TargetInstanceLogPath = "/t",
            TargetInstanceCheckpointPath = "/t",
        }))!;
        Assert.That((e.Call, e.Error), Is.EqualTo(("JetExternalRestore2W", JetError.InvalidParameter)), "name and log path together are refused (§5.12)");
    }

    [Test]
    public unsafe void JetInit3W_reads_JET_RSTINFO_W_and_its_callback_from_the_documented_offsets()
    {
        using var scratch = new ScratchDirectory("rstinfo");
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        using var control = new FixtureControl();
        using var instance = library.CreateInstance("rstinfo");
        instance.SetParameter(EseSystemParameter.SystemPath, 0, scratch.Path + "/");
        instance.SetParameter(EseSystemParameter.LogFilePath, 0, scratch.Path + "/");
        var callbacks = 0;
        var thunk = new StatusCallbackThunk((_, _, _) =>
        {
            callbacks++;
            return JetError.Success;
        });
        var from = Marshal.StringToHGlobalUni("/old/db.edb");
        var to = Marshal.StringToHGlobalUni("/new/ü.edb");
        try
        {
            var map = new NativeRstMapW { SzDatabaseName = from, SzNewDatabaseName = to };
            var info = new NativeRstInfoW
            {
                CbStruct = NativeRstInfoW.Size,
                Rgrstmap = &map,
                Crstmap = 1,
                LgposStop = new NativeLgPos { Ib = 7, Isec = 9, LGeneration = 131 },
                LogtimeStop = new NativeLogTime { BYear = 114 },
                PfnStatus = thunk.Pointer,
            };
            var handle = instance.Enter();
            int err;
            try
            {
                err = library.Exports.JetInit3W(&handle, &info, 0);
            }
            finally
            {
                instance.Exit();
            }

            thunk.Complete();
            Assert.That(err, Is.Zero);
        }
        finally
        {
            Marshal.FreeHGlobal(from);
            Marshal.FreeHGlobal(to);
        }

        var call = control.CallsTo("JetInit3W").Single();
        Assert.Multiple(() =>
        {
            Assert.That(call, Does.Contain($"rstinfo cbStruct={NativeRstInfoW.Size} crstmap=1 lgposStop=131:9:7 logtimeStop.bYear=114 pfnStatus=set"));
            Assert.That(call, Does.Contain("rstmap[0] \"/old/db.edb\" -> \"/new/ü.edb\""));
            Assert.That(callbacks, Is.EqualTo(1));
        });
    }
}
