using System.Diagnostics;
using System.Text.Json;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Build;

/// <summary>
/// Directory.Build.props classifies projects by folder (src/ and interop/ are shipped libraries with XML docs,
/// tests/ are test projects, tools/benchmark is not packed) whatever the separator: on Windows the project folder has '\'. The props are evaluated by
/// MSBuild with the folder given as a Windows path.
/// </summary>
[LinuxOnly("evaluates Directory.Build.props with the .NET SDK's MSBuild, which the Windows lane (a published test program) does not have")]
public sealed class ProjectConventionsTests
{
    [TestCase(@"C:\build\repo\src\ExternalBackup", "true", "true", "")]
    [TestCase(@"C:\build\repo\interop\ExternalBackup.Interop.Esent", "true", "true", "")]
    [TestCase(@"C:\build\repo\tests\ExternalBackup.Tests", "false", "false", "true")]
    [TestCase(@"C:\build\repo\tools\esebackup", "false", "true", "")]
    [TestCase(@"C:\build\repo\tools\benchmark", "false", "false", "")]
    [TestCase("/build/repo/tools/benchmark", "false", "false", "")]
    [TestCase("/build/repo/src/ExternalBackup", "true", "true", "")]
    [TestCase("/build/repo/tests/ExternalBackup.Tests", "false", "false", "true")]
    public void A_project_folder_is_classified_the_same_with_either_separator(string folder, string docs, string packable, string testProject)
    {
        // Any project will do: the folder the conventions look at is the one given.
        var project = Path.Combine(TestPaths.RepositoryRoot, "tools", "esebackup", "esebackup.csproj");
        var properties = Evaluate(project, folder, "GenerateDocumentationFile", "IsPackable", "IsTestProject");
        Assert.Multiple(() =>
        {
            Assert.That(properties["GenerateDocumentationFile"], Is.EqualTo(docs), $"GenerateDocumentationFile of {folder}");
            Assert.That(properties["IsPackable"], Is.EqualTo(packable), $"IsPackable of {folder}");
            Assert.That(properties["IsTestProject"], Is.EqualTo(testProject), $"IsTestProject of {folder}");
        });
    }

    private static Dictionary<string, string> Evaluate(string project, string folder, params string[] names)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "msbuild", project, "-nologo", $"-p:ExternalBackupProjectFolder={folder}" }.Concat(names.Select(n => $"-getProperty:{n}")))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var msbuild = Process.Start(start) ?? throw new AssertionException("dotnet msbuild could not be started");
        var output = msbuild.StandardOutput.ReadToEnd();
        var error = msbuild.StandardError.ReadToEnd();
        msbuild.WaitForExit();
        Assert.That(msbuild.ExitCode, Is.Zero, $"dotnet msbuild failed:\n{output}\n{error}");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);
    }
}
