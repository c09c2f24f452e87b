using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;

namespace ExternalBackup.Interop.Tests;

/// <summary>
/// An application that already runs ESE hands its <c>JET_INSTANCE</c> to the component
/// (<see cref="EseLibrary.AdoptInstance"/>): the backup runs over it and nothing is created, initialised or terminated.
/// </summary>
[NonParallelizable]
public sealed class AdoptedInstanceTests
{
    [Test]
    public void A_backup_over_an_adopted_instance_leaves_it_running_and_calls_no_JetInit_or_JetTerm()
    {
        // The application's own instance: created, initialised and attached by it (here through the host).
        using var application = new FixtureInstance();
        var handle = application.Host.Instance.Handle.DangerousGetHandle();
        var before = application.Control.CallLog().Length;

        using (var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath }))
        using (var adopted = library.AdoptInstance(handle, application.Host.Instance.Name))
        {
            var logs = DirectBackup.Run(adopted.CreateExternalBackupEngine(), application.Sub("backup"));
            Assert.That(logs.Files, Is.Not.Empty);
            Assert.That(adopted.Handle.Terminates, Is.False);
        }

        var during = application.Control.CallLog()[before..];
        Assert.That(during, Does.Contain("JetBeginExternalBackupInstance").And.Contain("JetEndExternalBackupInstance2"));
        foreach (var call in new[] { "JetCreateInstance2W", "JetSetSystemParameterW", "JetInit3W", "JetTerm2", "JetBeginSessionW", "JetAttachDatabaseW", "JetEndSession" })
        {
            Assert.That(during, Does.Not.Contain(call + " "), $"the component called {call} on the application's instance");
        }

        // Still the application's and still running: it backs up again, then terminates it itself.
        DirectBackup.Run(application.Engine, application.Sub("again"));
        Assert.That(application.Control.CallsTo("JetTerm2"), Is.Empty);
    }

    [Test]
    public void A_handle_that_is_no_instance_is_refused()
    {
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        Assert.Throws<ArgumentException>(() => library.AdoptInstance(0, "none"));
    }
}
