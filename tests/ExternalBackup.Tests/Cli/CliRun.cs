using System.Diagnostics;
using System.Text.Json;

namespace ExternalBackup.Tests.Cli;

/// <summary>Runs esebackup in-process (Program.MainAsync) or as a child process, capturing its output.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Out, string Err)> InProcess(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ExternalBackup.Cli.Program.MainAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    /// <summary>Starts esebackup as a child process (the built esebackup.dll next to the tests; esebackup.exe in the Windows lane).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // The Windows lane publishes self-contained: esebackup.exe beside the tests, and no dotnet host to start it.
        var exe = Path.Combine(AppContext.BaseDirectory, "esebackup.exe");
        var start = OperatingSystem.IsWindows() && File.Exists(exe)
            ? new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true }
            : new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { Path.Combine(AppContext.BaseDirectory, "esebackup.dll") } };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("cannot start esebackup");
    }
}
