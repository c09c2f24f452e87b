using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>What the CLI calls for <c>--engine native</c>: <see cref="NativeEngineHost.Open"/>.</summary>
public sealed class NativeEngineHostTests
{
    [Test]
    public void FindDatabases_lists_the_database_files_and_nothing_else()
    {
        var set = TestPaths.CorpusFile("xp-catroot2-logset");
        Assert.That(NativeEngineHost.FindDatabases(set).Select(p => Path.GetRelativePath(set, p)), Is.EqualTo(new[]
        {
            Path.Combine("{127D0A1D-4EF2-11D1-8608-00C04FC295EE}", "catdb"),
            Path.Combine("{F750E6C3-38EE-11D1-85E5-00C04FC295EE}", "catdb"),
        }));
    }

    [Test]
    public void The_host_is_the_engine_and_disposing_it_terminates_the_instance()
    {
        using var scratch = new ScratchDirectory("host");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        using var control = new FixtureControl();
        IExternalBackupEngine engine = NativeEngineHost.Open(new NativeEngineHostOptions
        {
            LibraryPath = NativeFixture.LibraryPath,
            SystemPath = folder,
            Databases = NativeEngineHost.FindDatabases(folder),
            InstanceName = "cli",
        });
        engine.BeginExternalBackup(BackupGrbits.None);
        Assert.That(engine.GetAttachInfo(), Is.EqualTo(NativeEngineHost.FindDatabases(folder)));
        engine.EndExternalBackup(EndBackupGrbits.Abort);
        Assert.That(engine.InstanceName, Is.EqualTo("cli"));
        Assert.That(engine.Description, Is.EqualTo(NativeFixture.LibraryPath));
        (engine as IDisposable)!.Dispose();
        Assert.That(control.CallsTo("JetTerm2").Single(), Does.Contain("grbit=0x4").And.Contain("-> 0"));
    }

    [Test]
    public void A_missing_folder_or_database_is_named_before_anything_is_loaded()
    {
        using var scratch = new ScratchDirectory("host-missing");
        var missingFolder = Path.Combine(scratch.Path, "nope");
        var e = Assert.Throws<DirectoryNotFoundException>(() => NativeEngineHost.Open(new NativeEngineHostOptions { LibraryPath = "/not/loaded.so", SystemPath = missingFolder }))!;
        Assert.That(e.Message, Is.EqualTo($"The system path {missingFolder} does not exist."));
        var missingDb = Path.Combine(scratch.Path, "gone.edb");
        var f = Assert.Throws<FileNotFoundException>(() => NativeEngineHost.Open(new NativeEngineHostOptions { LibraryPath = "/not/loaded.so", SystemPath = scratch.Path, Databases = [missingDb] }))!;
        Assert.That(f.Message, Is.EqualTo($"The database {missingDb} does not exist."));
    }

    [Test]
    public void A_failing_attach_terminates_the_half_built_instance_and_names_the_call()
    {
        using var scratch = new ScratchDirectory("host-attach");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        using var control = new FixtureControl();
        control.FailCall("JetAttachDatabaseW", 2, (int)JetError.DatabaseCorrupted);
        var e = Assert.Throws<EseException>(() => NativeEngineHost.Open(new NativeEngineHostOptions
        {
            LibraryPath = NativeFixture.LibraryPath,
            SystemPath = folder,
            Databases = NativeEngineHost.FindDatabases(folder),
        }))!;
        Assert.Multiple(() =>
        {
            Assert.That((e.Call, e.Error), Is.EqualTo(("JetAttachDatabaseW", JetError.DatabaseCorrupted)));
            Assert.That(e.Detail, Is.EqualTo(NativeEngineHost.FindDatabases(folder)[1]));
            Assert.That(control.CallsTo("JetTerm2").Single(), Does.Contain("-> 0"), "the instance was terminated");
        });
    }
}
