using System.Diagnostics;
using System.Text.RegularExpressions;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli.Progress;

/// <summary>On a terminal, a long backup shows a live bar while it runs: the built CLI under a pseudo-terminal (util-linux <c>script</c>).</summary>
public sealed partial class TerminalProgressTests
{
    private const string Script = "/usr/bin/script";

    [Test]
    [LinuxOnly("gives the CLI a pseudo-terminal with util-linux script")]
    public async Task ABackupOfOneGibibyteOnATerminalShowsTheBarBeforeItEnds()
    {
        if (!File.Exists(Script))
        {
            TestPaths.MissingPrerequisite($"{Script} (util-linux) gives the CLI a pseudo-terminal");
        }

        using var scratch = new ScratchDirectory("cli-pty");
        var instance = scratch.Sub("instance");
        // The size the issue names: 1 GiB (one database of 32768 pages of 32 KiB), long enough that the bar is drawn many times.
        await SyntheticInstanceWriter.WriteAsync(instance, new SyntheticInstanceOptions
        {
            Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageSize = 32768, PageCount = 32768, ZeroPageFraction = 0 })],
        });
        var command = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "esebackup.dll")}' backup --engine model --instance '{instance}' --to '{scratch.Sub("backups")}'";
        var start = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-qfec", command, "/dev/null" } };
        start.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(start)!;
        var readError = process.StandardError.ReadToEndAsync();
        var terminal = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.Zero, terminal + await readError);
        var end = terminal.IndexOf("full backup of", StringComparison.Ordinal);
        Assert.That(end, Is.Positive, terminal);
        var running = Percent().Matches(terminal[..end]).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Where(p => p is > 0 and < 100).ToList();
        Assert.That(running, Is.Not.Empty, $"no bar between 0% and 100% before the result:\n{terminal}");
        Assert.That(running, Is.Ordered, "the bar only moves forward");
        Assert.That(terminal[..end], Does.Contain("ntds.dit").And.Contain("MiB/s").And.Contain("ETA").And.Contain("\u2501"), "file, rate, time left and the bar");
    }

    [GeneratedRegex(@"\s(\d{1,3})%")]
    private static partial Regex Percent();
}
