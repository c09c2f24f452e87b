using ExternalBackup.Cli.Logging;

namespace ExternalBackup.Cli.Progress;

/// <summary>
/// Progress when standard error is not a terminal (a log file, a pipe, a scheduler): one plain line at the first
/// report, then at most one every <see cref="Interval"/> of the injected clock, and one at the end.
/// </summary>
public sealed class PeriodicProgressLines(StderrLines lines, TimeProvider time) : IProgressView
{
    /// <summary>The least time between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly TransferRate _rate = new(time);
    private DateTimeOffset? _printed;

    /// <inheritdoc />
    public void Show(ProgressSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        _rate.Observe(sample.BytesDone);
        var now = time.GetUtcNow();
        if (_printed is { } last && now - last < Interval && !sample.Finished)
        {
            return;
        }

        _printed = now;
        var line = sample.Finished
            ? $"esebackup: {sample.Operation} done: {ProgressText.Summary(sample, _rate)}, in {ProgressText.Duration(_rate.Elapsed)}"
            : $"esebackup: {sample.Operation} {sample.Phase}: {ProgressText.Summary(sample, _rate)}{(sample.CurrentFile is { } file ? $", {file}" : string.Empty)}";
        lines.WriteLine(line);
    }

    /// <inheritdoc />
    public void Finish()
    {
    }
}
