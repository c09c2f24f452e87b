using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Build;

/// <summary>
/// tools/esebackup is a .NET tool: <c>dotnet pack</c> into a folder feed, then <c>dotnet tool install --tool-path</c>
/// from it gives an <c>esebackup</c> command that prints the package's version. Everything the install writes (the
/// tool, NuGet's package cache, the CLI's home) is under a scratch folder, with a NuGet.config of its own: the feed
/// and the repository's sources; ~/.dotnet/tools and the user's NuGet configuration are not touched.
/// </summary>
[LinuxOnly("runs the .NET SDK (dotnet pack, dotnet tool install), which the Windows lane's published test program does not have")]
public sealed class ToolPackageTests
{
    [Test]
    [CancelAfter(15 * 60 * 1000)]
    public async Task The_packed_tool_installs_from_a_folder_feed_and_prints_its_version(CancellationToken cancellationToken)
    {
        using var scratch = new ScratchDirectory("tool-pack");
        var feed = scratch.Sub("feed");
        var tools = Path.Combine(scratch.Path, "tools");
        var version = typeof(ExternalBackup.Cli.Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name; // bin/<Configuration>/net10.0/

        var pack = await RunAsync(
            "dotnet", ["pack", Path.Combine(TestPaths.RepositoryRoot, "tools", "esebackup", "esebackup.csproj"), "-c", configuration, "-o", feed, "-nologo", "-nodeReuse:false"], Isolated(scratch, home: false), cancellationToken);
        Assert.That(pack.Exit, Is.Zero, pack.Log);
        Assert.That(File.Exists(Path.Combine(feed, $"esebackup.{version}.nupkg")), Is.True, $"esebackup.{version}.nupkg in the feed:\n{pack.Log}");

        AssertMetadata(Path.Combine(feed, $"esebackup.{version}.nupkg"));
        Assert.That(File.Exists(Path.Combine(feed, $"esebackup.{version}.snupkg")), Is.True, "the symbols package beside it");

        var config = Path.Combine(scratch.Path, "NuGet.config");
        WriteConfig(config, feed);
        var install = await RunAsync(
            "dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", feed, "esebackup", "--version", version], Isolated(scratch, home: true), cancellationToken);
        Assert.That(install.Exit, Is.Zero, install.Log);

        var run = await RunAsync(Path.Combine(tools, "esebackup"), ["--version"], Isolated(scratch, home: true), cancellationToken);
        Assert.That(run.Exit, Is.Zero, run.Log);
        Assert.That(run.Output.Trim(), Is.EqualTo(version));
        Assert.That(version, Does.Match(@"^\d+\.\d+\.\d+"), "the version of Directory.Build.props");
    }

    /// <summary>The package metadata of Directory.Build.props: licence, readme (packed), repository, description, tags; and the tool's settings.</summary>
    private static void AssertMetadata(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        using var nuspecStream = zip.GetEntry("esebackup.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;
        Assert.Multiple(() =>
        {
            Assert.That(Value("license"), Is.EqualTo("MIT"));
            Assert.That(Value("readme"), Is.EqualTo("README.md"));
            Assert.That(entries, Does.Contain("README.md").And.Contain("LICENSE"));
            Assert.That(entries.Any(e => e.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)), Is.True, "packed as a .NET tool");
            Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")?.Value, Does.StartWith("https://"));
            Assert.That(Value("description"), Does.Contain("esebackup"));
            Assert.That(Value("tags"), Does.Contain("ese"));
        });
    }

    /// <summary>A NuGet.config with the feed and the repository's own sources, nothing from the user's configuration.</summary>
    private static void WriteConfig(string path, string feed)
    {
        var repository = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "NuGet.config"));
        var sources = repository.Root!.Element("packageSources")!.Elements("add").Select(e => new XElement(e));
        new XDocument(new XElement(
            "configuration",
            new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "esebackup-feed"), new XAttribute("value", feed)), sources))).Save(path);
    }

    /// <summary>The environment of the SDK's runs: the running dotnet (the tool's launcher finds it by DOTNET_ROOT); for the install, a home and package cache in the scratch folder.</summary>
    private static Dictionary<string, string> Isolated(ScratchDirectory scratch, bool home)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        if (home)
        {
            environment["DOTNET_CLI_HOME"] = scratch.Sub("home");
            environment["NUGET_PACKAGES"] = scratch.Sub("packages");
        }

        return environment;
    }

    private static async Task<(int Exit, string Output, string Log)> RunAsync(string program, string[] args, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new AssertionException($"{program} could not be started");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, $"{program} {string.Join(' ', args)}:\n{await output}{await error}");
    }
}
