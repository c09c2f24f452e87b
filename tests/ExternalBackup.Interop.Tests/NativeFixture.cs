using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>
/// Builds tests/native-fixture/esefixture.c with the installed gcc once per test run and gives the tests its path
/// and its control functions (call log, fault injection, layout echo, reset). On Windows (the Windows lane under
/// Wine) the fixture is the mingw-w64 build the lane put beside the tests as esent.dll.
/// </summary>
[SetUpFixture]
public sealed class NativeFixture
{
    private static string? _libraryPath;
    private static string? _buildDirectory;

    /// <summary>The built fixture library.</summary>
    public static string LibraryPath => _libraryPath ?? throw new InvalidOperationException("The native fixture was not built.");

    /// <summary>The name the Windows build loads the fixture by: esent.dll, the one the binding loads by default.</summary>
    public const string WindowsLibraryName = "esent.dll";

    [OneTimeSetUp]
    public void Build()
    {
        if (OperatingSystem.IsWindows())
        {
            // No Linux compiler runs under Wine: the Windows lane builds the fixture with mingw-w64 beside the tests.
            var dll = Path.Combine(AppContext.BaseDirectory, WindowsLibraryName);
            Assert.That(File.Exists(dll), Is.True, $"the native fixture {dll} is missing: .ci/windows-lane builds it with x86_64-w64-mingw32-gcc from tests/native-fixture/esefixture.c");
            _libraryPath = dll;
            return;
        }

        var source = Path.Combine(TestPaths.RepositoryRoot, "tests", "native-fixture", "esefixture.c");
        Assert.That(File.Exists(source), Is.True, $"fixture source missing: {source}");
        _buildDirectory = Path.Combine(Path.GetTempPath(), "eb-native-fixture", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_buildDirectory);
        var output = Path.Combine(_buildDirectory, "libesefixture.so");
        var psi = new ProcessStartInfo("gcc")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-o", output, source, "-lpthread" })
        {
            psi.ArgumentList.Add(a);
        }

        Process gcc;
        try
        {
            gcc = Process.Start(psi) ?? throw new InvalidOperationException("gcc did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"The native fixture needs a C compiler: 'gcc' could not be started ({e.Message}). Install gcc and libc6-dev (.ci/run does).");
            return;
        }

        var stderr = gcc.StandardError.ReadToEnd();
        gcc.StandardOutput.ReadToEnd();
        gcc.WaitForExit();
        Assert.That(gcc.ExitCode, Is.Zero, $"gcc failed to build the native fixture:\n{stderr}");
        _libraryPath = output;
    }

    [OneTimeTearDown]
    public void Clean()
    {
        // The library stays mapped in this process; only the folder is removed when possible.
        try
        {
            if (_buildDirectory is not null)
            {
                Directory.Delete(_buildDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The fixture's test-control exports (not part of the ESE API).</summary>
internal sealed unsafe class FixtureControl : IDisposable
{
    /// <summary>The <see cref="FailCall"/> code that makes the call raise a native exception instead of returning (FIXTURE_RAISE; Windows builds only).</summary>
    public const int Raise = 0x52414953;

    private readonly nint _module;
    private readonly delegate* unmanaged<byte*, uint, uint> _callLog;
    private readonly delegate* unmanaged<byte*, uint, int, int> _failCall;
    private readonly delegate* unmanaged<uint, uint, void> _shorten;
    private readonly delegate* unmanaged<void> _reset;
    private readonly delegate* unmanaged<byte*, int> _layout;
    private readonly delegate* unmanaged<long, void> _setTime;

    public FixtureControl()
    {
        _module = NativeLibrary.Load(NativeFixture.LibraryPath);
        _callLog = (delegate* unmanaged<byte*, uint, uint>)NativeLibrary.GetExport(_module, "FixtureCallLog");
        _failCall = (delegate* unmanaged<byte*, uint, int, int>)NativeLibrary.GetExport(_module, "FixtureFailCall");
        _shorten = (delegate* unmanaged<uint, uint, void>)NativeLibrary.GetExport(_module, "FixtureShortenSizeQueries");
        _reset = (delegate* unmanaged<void>)NativeLibrary.GetExport(_module, "FixtureReset");
        _layout = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(_module, "FixtureLayout");
        _setTime = (delegate* unmanaged<long, void>)NativeLibrary.GetExport(_module, "FixtureSetTime");
        _reset();
    }

    /// <summary>Every call the fixture saw since the last reset, one per line with its arguments and result.</summary>
    public string CallLog()
    {
        var length = _callLog(null, 0);
        var buffer = new byte[length + 1];
        fixed (byte* p = buffer)
        {
            _callLog(p, (uint)buffer.Length);
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    /// <summary>The lines of the call log that start with <paramref name="call"/> (each followed by its indented detail lines).</summary>
    public IReadOnlyList<string> CallsTo(string call)
    {
        var result = new List<string>();
        var current = default(StringBuilder);
        foreach (var line in CallLog().Split('\n'))
        {
            if (!line.StartsWith(' '))
            {
                if (current is not null)
                {
                    result.Add(current.ToString());
                }

                current = line.StartsWith(call + " ", StringComparison.Ordinal) || line == call ? new StringBuilder(line) : null;
            }
            else
            {
                current?.Append('\n').Append(line);
            }
        }

        if (current is not null)
        {
            result.Add(current.ToString());
        }

        return result;
    }

    public void FailCall(string call, uint nth, int code)
    {
        var bytes = Encoding.ASCII.GetBytes(call + "\0");
        fixed (byte* p = bytes)
        {
            Assert.That(_failCall(p, nth, code), Is.Zero, "FixtureFailCall refused the rule");
        }
    }

    /// <summary>Fixes the backup mark time the fixture writes into streamed headers and trailers.</summary>
    public void SetTime(DateTimeOffset time) => _setTime(time.ToUnixTimeMilliseconds());

    public void ShortenSizeQueries(uint count, uint bytes) => _shorten(count, bytes);

    public int Layout(string what)
    {
        var bytes = Encoding.ASCII.GetBytes(what + "\0");
        fixed (byte* p = bytes)
        {
            var value = _layout(p);
            Assert.That(value, Is.GreaterThanOrEqualTo(0), $"the fixture does not know {what}");
            return value;
        }
    }

    public void Dispose()
    {
        _reset();
        NativeLibrary.Free(_module);
    }
}
