using ExternalBackup.Cli.Logging;
using Spectre.Console;

namespace ExternalBackup.Cli.Progress;

/// <summary>
/// Progress on a terminal: a live bar (Spectre.Console) with the bytes done of the total, the rate and the time left
/// (from the injected clock), and the current file. Log lines written meanwhile appear above the bar.
/// </summary>
public sealed class LiveProgressBar : IProgressView
{
    private readonly IAnsiConsole _console;
    private readonly StderrLines _lines;
    private readonly TransferRate _rate;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _display;
    private readonly ProgressTask _task;
    private bool _finished;
    private volatile string _stats = string.Empty;

    /// <summary>Starts the bar on <paramref name="console"/>.</summary>
    /// <exception cref="InvalidOperationException">The console cannot show it (the caller falls back to plain lines).</exception>
    public LiveProgressBar(IAnsiConsole console, StderrLines lines, TimeProvider time, string operation)
    {
        _console = console ?? throw new ArgumentNullException(nameof(console));
        _lines = lines ?? throw new ArgumentNullException(nameof(lines));
        _rate = new TransferRate(time);
        var ready = new TaskCompletionSource<ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        _display = Task.Run(() => console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new PercentageColumn(), new TextColumn(() => _stats))
            .StartAsync(async context =>
            {
                ready.SetResult(context.AddTask(Markup.Escape(operation), maxValue: 1));
                await _done.Task.ConfigureAwait(false);
            }));
        // A console the bar cannot draw on ends the display before it starts: say so rather than wait for it.
        Task.WaitAny(ready.Task, _display);
        if (!ready.Task.IsCompleted)
        {
            _display.GetAwaiter().GetResult();
            throw new InvalidOperationException("the progress bar ended before it started");
        }

        _task = ready.Task.Result;
        lines.Route(line => _console.WriteLine(line));
    }

    /// <inheritdoc />
    public void Show(ProgressSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        _rate.Observe(sample.BytesDone);
        _task.MaxValue = Math.Max(1, sample.BytesTotal);
        _task.Value = sample.Finished ? _task.MaxValue : Math.Min(sample.BytesDone, _task.MaxValue);
        var what = sample.CurrentFile is { } f && !sample.Finished ? Shorten(f) : sample.Phase;
        _task.Description = Markup.Escape($"{sample.Operation} {what}");
        var eta = sample.Finished ? $"in {ProgressText.Duration(_rate.Elapsed)}" : $"ETA {ProgressText.Duration(_rate.Remaining(sample.BytesTotal - sample.BytesDone))}";
        _stats = $"{ProgressText.Bytes(sample.BytesDone)}/{ProgressText.Bytes(sample.BytesTotal)} {ProgressText.Rate(_rate.BytesPerSecond)} {eta}";
    }

    /// <inheritdoc />
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _done.TrySetResult();
        _display.GetAwaiter().GetResult();
        _lines.Route(null);
    }

    /// <summary>The file's name (its folder is in the log), at most 24 characters.</summary>
    private static string Shorten(string file)
    {
        var name = file[(file.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.Length <= 24 ? name : "..." + name[^21..];
    }

    /// <summary>A column showing text the bar computes (bytes, rate, time left from the injected clock).</summary>
    private sealed class TextColumn(Func<string> text) : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) => new Text(text()) { Overflow = Overflow.Ellipsis };
    }
}
