using System.Text.Json;
using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.Cli.Progress;

/// <summary>With --json, progress is JSON lines: one object per line, at the start, on each new file or phase, at most once a second otherwise, and at the end.</summary>
public sealed class JsonProgressLinesTests
{
    [Test]
    public void EachLineIsOneJsonObjectWithTheDocumentedFields()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        using var error = new StringWriter();
        var view = new JsonProgressLines(new StderrLines(error), time);

        view.Show(new ProgressSample("restore", "copying", 0, 4000, 0, 2, "s: databases/a.edb", false));
        time.Advance(TimeSpan.FromMilliseconds(500));
        view.Show(new ProgressSample("restore", "copying", 1000, 4000, 0, 2, "s: databases/a.edb", false)); // within the second: skipped
        time.Advance(TimeSpan.FromMilliseconds(500));
        view.Show(new ProgressSample("restore", "copying", 2000, 4000, 1, 2, "s: databases/a.edb", false));
        view.Show(new ProgressSample("restore", "copying", 2000, 4000, 1, 2, "s: logs/edb00001.log", false)); // a new file
        time.Advance(TimeSpan.FromSeconds(1));
        view.Show(new ProgressSample("restore", "completed", 4000, 4000, 2, 2, null, true));

        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(lines.Select(l => l.GetProperty("bytesDone").GetInt64()), Is.EqualTo(new long[] { 0, 2000, 2000, 4000 }));
        Assert.That(lines.Select(l => l.GetProperty("event").GetString()).Distinct(), Is.EqualTo(new[] { "progress" }));
        var middle = lines[1];
        Assert.Multiple(() =>
        {
            Assert.That(middle.GetProperty("operation").GetString(), Is.EqualTo("restore"));
            Assert.That(middle.GetProperty("phase").GetString(), Is.EqualTo("copying"));
            Assert.That(middle.GetProperty("bytesTotal").GetInt64(), Is.EqualTo(4000));
            Assert.That(middle.GetProperty("filesDone").GetInt32(), Is.EqualTo(1));
            Assert.That(middle.GetProperty("filesTotal").GetInt32(), Is.EqualTo(2));
            Assert.That(middle.GetProperty("currentFile").GetString(), Is.EqualTo("s: databases/a.edb"));
            Assert.That(middle.GetProperty("bytesPerSecond").GetDouble(), Is.EqualTo(2000));
            Assert.That(middle.GetProperty("etaSeconds").GetDouble(), Is.EqualTo(1));
            Assert.That(middle.GetProperty("elapsedSeconds").GetDouble(), Is.EqualTo(1));
            Assert.That(middle.GetProperty("finished").GetBoolean(), Is.False);
            Assert.That(lines[0].GetProperty("bytesPerSecond").ValueKind, Is.EqualTo(JsonValueKind.Null), "no rate before two reports");
            Assert.That(lines[^1].GetProperty("finished").GetBoolean(), Is.True);
            Assert.That(lines[^1].GetProperty("etaSeconds").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }
}
