using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>
/// An export that raises a native exception instead of returning (Wine's esent.dll is made of such stubs) is one line
/// naming the library and the function, from the binding and from <c>esebackup backup --engine native</c>.
/// </summary>
[NonParallelizable]
[WindowsOnly("a native exception raised by an export reaches managed code as an SEH exception only on Windows; the Windows lane runs these")]
public sealed class UncallableExportTests
{
    private static string Expected(string function) =>
        $"The ESE library '{NativeFixture.LibraryPath}' cannot call {function}: the function raised a native exception instead of returning (an unimplemented stub, or a library built for another ABI).";

    [Test]
    public void Creating_an_instance_with_an_export_that_raises_is_an_EseLibraryException_naming_it()
    {
        using var control = new FixtureControl();
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        control.FailCall("JetCreateInstance2W", 1, FixtureControl.Raise);
        var e = Assert.Throws<EseLibraryException>(() => library.CreateInstance("raises"))!;
        Assert.That(e.Message, Is.EqualTo(Expected("JetCreateInstance2W")));
        Assert.That(control.CallLog(), Does.Contain("JetCreateInstance2W raised a native exception"));
    }

    [Test]
    public void The_CLI_says_which_export_cannot_be_called_in_one_line_when_the_engine_opens()
    {
        using var scratch = new ScratchDirectory("raise-open");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        var destination = scratch.Sub("backups");
        using var control = new FixtureControl();
        control.FailCall("JetInit3W", 1, FixtureControl.Raise);
        var (exit, _, error) = Run("backup", "--engine", "native", "--ese-library", NativeFixture.LibraryPath, "--instance", instance, "--to", destination, "--kind", "full");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error.Trim(), Is.EqualTo("esebackup: " + Expected("JetInit3W")));
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
        Assert.That(control.CallsTo("JetTerm2"), Has.Count.EqualTo(1), "the instance that could not start is terminated");
    }

    [Test]
    public void The_CLI_says_which_export_cannot_be_called_in_one_line_during_the_backup()
    {
        using var scratch = new ScratchDirectory("raise-backup");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        var destination = scratch.Sub("backups");
        using var control = new FixtureControl();
        control.FailCall("JetGetLogInfoInstance2W", 1, FixtureControl.Raise);
        var (exit, _, error) = Run("backup", "--engine", "native", "--ese-library", NativeFixture.LibraryPath, "--instance", instance, "--to", destination, "--kind", "full");
        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(StandardErrorLines.Messages(error), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain(Expected("JetGetLogInfoInstance2W")));
        Assert.That(Directory.EnumerateFiles(destination, "manifest.json", SearchOption.AllDirectories), Is.Empty, "no set is committed");
        Assert.That(control.CallsTo("JetTruncateLogInstance"), Is.Empty);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExternalBackup.Cli.Program.MainAsync(args, output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }
}
