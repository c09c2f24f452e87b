using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>Which library is loaded, and the one-line errors when none can be.</summary>
[NonParallelizable]
public sealed class LibraryResolutionTests
{
    private string? _saved;

    [SetUp]
    public void SaveEnvironment() => _saved = Environment.GetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable);

    [TearDown]
    public void RestoreEnvironment() => Environment.SetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable, _saved);

    [Test]
    public void The_option_wins_over_the_environment_variable()
    {
        Environment.SetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable, "/nonexistent/libese.so");
        Assert.That(EseLibrary.Resolve(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath }), Is.EqualTo(NativeFixture.LibraryPath));
    }

    [Test]
    public void ESE_NATIVE_LIBRARY_names_the_library_when_no_option_is_given()
    {
        Environment.SetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable, NativeFixture.LibraryPath);
        using var library = EseLibrary.Load();
        Assert.That(library.Name, Is.EqualTo(NativeFixture.LibraryPath));
        using var control = new FixtureControl();
        using var instance = library.CreateInstance("env-resolved");
        Assert.That(control.CallsTo("JetCreateInstance2W").Single(), Does.Contain("szInstanceName=\"env-resolved\""));
    }

    [Test]
    public void Without_option_or_variable_off_Windows_the_error_is_one_clear_line()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.That(EseLibrary.Resolve(new EseLibraryOptions { UseEnvironmentVariable = false }), Is.EqualTo("esent.dll"));
            return;
        }

        Environment.SetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable, null);
        var e = Assert.Throws<EseLibraryException>(() => EseLibrary.Load())!;
        Assert.That(e.Message, Does.Contain("ESE_NATIVE_LIBRARY").And.Contain("esent.dll").And.Not.Contain("\n"));
    }

    [Test]
    [WindowsOnly("esent.dll is the default library only on Windows")]
    public void On_Windows_the_default_is_esent_dll_and_the_fixture_beside_the_tests_answers_as_it()
    {
        Environment.SetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable, null);
        using var library = EseLibrary.Load();
        Assert.That(library.Name, Is.EqualTo(NativeFixture.WindowsLibraryName));
        using var control = new FixtureControl();
        using var instance = library.CreateInstance("default-esent");
        Assert.That(control.CallsTo("JetCreateInstance2W").Single(), Does.Contain("szInstanceName=\"default-esent\""));
    }

    [Test]
    public void A_missing_file_is_a_one_line_EseLibraryException_naming_it()
    {
        var e = Assert.Throws<EseLibraryException>(() => EseLibrary.Load(new EseLibraryOptions { LibraryPath = "/nonexistent/libese.so" }))!;
        Assert.That(e.Message, Does.StartWith("Cannot load the ESE library '/nonexistent/libese.so'").And.Not.Contain("\n"));
    }

    [Test]
    public void A_library_without_the_entry_point_names_the_missing_function()
    {
        // A system library without ESE exports.
        var name = OperatingSystem.IsWindows() ? "msvcrt.dll" : "libm.so.6";
        using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = name });
        var e = Assert.Throws<EseLibraryException>(() => library.CreateInstance("x"))!;
        Assert.That(e.Message, Is.EqualTo($"The ESE library '{name}' does not export JetCreateInstance2W."));
    }

    [Test]
    public void Two_libraries_load_side_by_side_without_process_wide_state()
    {
        using var scratch = new ScratchDirectory("two-libs");
        var copy = Path.Combine(scratch.Path, "libesefixture-copy.so");
        File.Copy(NativeFixture.LibraryPath, copy);
        using var a = EseLibrary.Load(new EseLibraryOptions { LibraryPath = NativeFixture.LibraryPath });
        using var b = EseLibrary.Load(new EseLibraryOptions { LibraryPath = copy });
        using var control = new FixtureControl();
        using var ia = a.CreateInstance("in-a");
        using var ib = b.CreateInstance("in-b");
        Assert.Multiple(() =>
        {
            Assert.That(control.CallsTo("JetCreateInstance2W").Single(), Does.Contain("in-a"), "the first library's log sees only its instance");
            Assert.That(a.Name, Is.Not.EqualTo(b.Name));
        });
    }
}
