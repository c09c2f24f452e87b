using System.Globalization;
using System.Text;

namespace ExternalBackup.Interop.Tests.Vss;

/// <summary>
/// The vssapi.dll fixture (tests/native-fixture/vssfixture.c, built by .ci/windows-lane with mingw-w64 beside the
/// tests and loaded instead of Wine's stub through WINEDLLOVERRIDES vssapi=n,b): its configuration file, written
/// line by line and named by VSSFIXTURE_CONFIG, and its call log. Windows only.
/// </summary>
internal sealed class VssFixture
{
    /// <summary>The name the binding loads (VssApi.cs); Windows file names ignore case.</summary>
    public const string LibraryName = "vssapi.dll";

    private readonly List<string> _lines = [];

    public VssFixture(string folder)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, LibraryName);
        Assert.That(System.IO.File.Exists(dll), Is.True, $"the VSS fixture {dll} is missing: .ci/windows-lane builds it with x86_64-w64-mingw32-gcc from tests/native-fixture/vssfixture.c");
        ConfigPath = Path.Combine(folder, "vssfixture.conf");
        LogPath = Path.Combine(folder, "vssfixture.log");
        Line("log", LogPath);
    }

    public string ConfigPath { get; }

    public string LogPath { get; }

    public VssFixture Writer(Guid writerId, Guid instanceId, string name, string metadataXml) => Line("writer", writerId.ToString("D"), instanceId.ToString("D"), name, metadataXml);

    public VssFixture Component(int type, bool selectable, string logicalPath, string name) => Line("component", Number(type), selectable ? "1" : "0", logicalPath, name);

    public VssFixture Database(string path, string fileSpec, bool recursive = false) => Line("database", path, fileSpec, recursive ? "1" : "0", "");

    public VssFixture LogFile(string path, string fileSpec) => Line("logfile", path, fileSpec, "0", "");

    public VssFixture File(string path, string fileSpec, string alternateLocation = "") => Line("file", path, fileSpec, "1", alternateLocation);

    public VssFixture Exclude(string path, string fileSpec, bool recursive = false) => Line("exclude", path, fileSpec, recursive ? "1" : "0");

    public VssFixture State(Guid writerId, int state, int failure) => Line("state", writerId.ToString("D"), Number(state), Hex(failure));

    public VssFixture Device(string volume, string deviceObject) => Line("device", volume, deviceObject);

    public VssFixture Document(string xml) => Line("document", xml);

    public VssFixture Fail(string call, int hResult) => Line("fail", call, Hex(hResult));

    public VssFixture AsyncFail(string call, int hResult) => Line("asyncfail", call, Hex(hResult));

    public VssFixture Pending(int polls) => Line("pending", Number(polls));

    /// <summary>Writes the configuration and points this process's VSSFIXTURE_CONFIG at it (read by the next CreateVssBackupComponentsInternal).</summary>
    public void Apply()
    {
        System.IO.File.WriteAllText(ConfigPath, string.Join("\n", _lines) + "\n", new UTF8Encoding(false));
        Environment.SetEnvironmentVariable("VSSFIXTURE_CONFIG", ConfigPath);
    }

    /// <summary>Every line the fixture logged.</summary>
    public IReadOnlyList<string> Log() => System.IO.File.Exists(LogPath) ? System.IO.File.ReadAllLines(LogPath) : [];

    /// <summary>The calls of IVssBackupComponents and the exports (no IUnknown, BSTR or sub-object lines), each as its first word.</summary>
    public IReadOnlyList<string> ComponentCalls() =>
        Log().Select(l => l.Split(' ')[0]).Where(c => !c.Contains("::", StringComparison.Ordinal) && c is not ("AddRef" or "Release" or "SysFreeString" or "summary" or "QueryInterface")).ToList();

    /// <summary>The lines of <paramref name="call"/>.</summary>
    public IReadOnlyList<string> Lines(string call) => Log().Where(l => l.StartsWith(call + " ", StringComparison.Ordinal)).ToList();

    private VssFixture Line(params string[] fields)
    {
        Assert.That(fields.Any(f => f.Contains('\t') || f.Contains('\n')), Is.False, "the fixture's configuration fields are tab-separated lines");
        _lines.Add(string.Join('\t', fields));
        return this;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Hex(int value) => unchecked((uint)value).ToString("X8", CultureInfo.InvariantCulture);
}
