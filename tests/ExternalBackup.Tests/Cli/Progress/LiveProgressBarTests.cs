using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace ExternalBackup.Tests.Cli.Progress;

/// <summary>The live bar (Spectre.Console) draws the file, the percentage, bytes, rate and time left, passes log lines above itself, and ends at the last report; on every platform (the Windows lane runs it under Wine).</summary>
public sealed class LiveProgressBarTests
{
    [Test]
    public void TheBarShowsTheFileBytesRateAndEndsAtTheLastReportWithLogLinesAboveIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        using var terminal = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 100;
        var lines = new StderrLines(terminal);
        var display = new CliProgress(new LiveProgressBar(console, lines, time, "backup"), "backup");

        display.Show(new ProgressSample("backup", "databases", 0, 64L << 20, 0, 2, "/data/ntds.dit", false));
        time.Advance(TimeSpan.FromSeconds(2));
        display.Show(new ProgressSample("backup", "databases", 32L << 20, 64L << 20, 0, 2, "/data/ntds.dit", false));
        lines.WriteLine("esebackup: warning 5101 SinkRetry: a retry");
        time.Advance(TimeSpan.FromSeconds(2));
        display.Show(new ProgressSample("backup", "completed", 64L << 20, 64L << 20, 2, 2, null, true));
        lines.WriteLine("after the bar");
        display.Dispose();

        var text = terminal.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("a retry"), "log lines pass through the bar");
            Assert.That(text, Does.Contain("backup completed"));
            Assert.That(text, Does.Contain("100%"));
            Assert.That(text, Does.Contain("64.0 MiB/64.0 MiB 16.0 MiB/s in 0:04"), "bytes and the rate from the injected clock");
            Assert.That(text, Does.EndWith("after the bar" + Environment.NewLine), "after the last report the bar is gone and lines go straight to standard error");
        });
    }
}
