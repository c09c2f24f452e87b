using System.Text;
using System.Text.Json;
using ExternalBackup.Cli.Logging;

namespace ExternalBackup.Cli.Progress;

/// <summary>
/// Progress with <c>--json</c>: one JSON object per line on standard error (the result stays one JSON object on
/// standard output), at the first report, when the phase or the current file changes, at most once every
/// <see cref="Interval"/> otherwise, and at the end (<c>"finished": true</c>). Fields: <c>event</c> ("progress"),
/// <c>operation</c>, <c>phase</c>, <c>bytesDone</c>, <c>bytesTotal</c>, <c>filesDone</c>, <c>filesTotal</c>,
/// <c>currentFile</c>, <c>bytesPerSecond</c>, <c>etaSeconds</c>, <c>elapsedSeconds</c>, <c>finished</c> (docs/events.md).
/// </summary>
public sealed class JsonProgressLines(StderrLines lines, TimeProvider time) : IProgressView
{
    /// <summary>The least time between two lines of the same phase and file.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TransferRate _rate = new(time);
    private DateTimeOffset? _printed;
    private string? _phase;
    private string? _file;

    /// <inheritdoc />
    public void Show(ProgressSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        _rate.Observe(sample.BytesDone);
        var now = time.GetUtcNow();
        var changed = sample.Phase != _phase || sample.CurrentFile != _file;
        if (_printed is { } last && now - last < Interval && !changed && !sample.Finished)
        {
            return;
        }

        _printed = now;
        _phase = sample.Phase;
        _file = sample.CurrentFile;
        lines.WriteLine(Line(sample));
    }

    /// <inheritdoc />
    public void Finish()
    {
    }

    private string Line(ProgressSample sample)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", "progress");
            w.WriteString("operation", sample.Operation);
            w.WriteString("phase", sample.Phase);
            w.WriteNumber("bytesDone", sample.BytesDone);
            w.WriteNumber("bytesTotal", sample.BytesTotal);
            w.WriteNumber("filesDone", sample.FilesDone);
            w.WriteNumber("filesTotal", sample.FilesTotal);
            w.WriteString("currentFile", sample.CurrentFile);
            if (_rate.BytesPerSecond is { } rate)
            {
                w.WriteNumber("bytesPerSecond", Math.Round(rate));
            }
            else
            {
                w.WriteNull("bytesPerSecond");
            }

            if (!sample.Finished && _rate.Remaining(sample.BytesTotal - sample.BytesDone) is { } eta)
            {
                w.WriteNumber("etaSeconds", Math.Round(eta.TotalSeconds, 1));
            }
            else
            {
                w.WriteNull("etaSeconds");
            }

            w.WriteNumber("elapsedSeconds", Math.Round(_rate.Elapsed.TotalSeconds, 1));
            w.WriteBoolean("finished", sample.Finished);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
