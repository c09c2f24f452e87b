using ExternalBackup.Cli.Logging;
using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using Spectre.Console;

namespace ExternalBackup.Cli.Progress;

/// <summary>
/// The progress display of one command: a live bar when standard error is a terminal, plain lines every few
/// seconds when it is redirected, JSON lines with <c>--json</c>, nothing with <c>--quiet</c>. The library's
/// <see cref="IProgress{T}"/> reports drive it; it ends at the last report (before the result is printed) or when disposed.
/// </summary>
public sealed class CliProgress : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IProgressView? _view;
    private readonly string _operation;
    private bool _finished;

    /// <summary>A display of <paramref name="operation"/> through <paramref name="view"/> (<see langword="null"/>: nothing shown).</summary>
    public CliProgress(IProgressView? view, string operation)
    {
        _view = view;
        _operation = operation;
    }

    /// <summary>The display the command's root options and standard error call for.</summary>
    public static CliProgress Open(CliLog log, CliConsole console, string operation)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(console);
        var time = TimeProvider.System;
        IProgressView? view = log.Quiet ? null
            : log.Json ? new JsonProgressLines(log.Lines, time)
            : IsTerminal(console) ? LiveOrLines(log.Lines, time, operation)
            : new PeriodicProgressLines(log.Lines, time);
        return new CliProgress(view, operation);
    }

    /// <summary>The live bar on standard error, or plain lines when the terminal cannot show it.</summary>
    private static IProgressView LiveOrLines(StderrLines lines, TimeProvider time, string operation)
    {
        try
        {
            return new LiveProgressBar(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes }), lines, time, operation);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or NotSupportedException)
        {
            return new PeriodicProgressLines(lines, time);
        }
    }

    /// <summary>Reports of a backup (also passed to <paramref name="also"/>, e.g. the crash switch).</summary>
    public IProgress<BackupProgress> Backup(IProgress<BackupProgress>? also = null) => new Reports<BackupProgress>(p =>
    {
        also?.Report(p);
        Show(new ProgressSample(_operation, p.Phase.ToString().ToLowerInvariant(), p.BytesDone, p.BytesKnown, p.FilesDone, p.FilesKnown, p.CurrentFile, p.Phase == BackupPhase.Completed));
    });

    /// <summary>Reports of a restore.</summary>
    public IProgress<RestoreProgress> Restore() => new Reports<RestoreProgress>(p =>
        Show(new ProgressSample(_operation, p.Phase.ToString().ToLowerInvariant(), p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal, p.CurrentFile, p.Phase == RestorePhase.Completed)));

    /// <summary>Reports of a verification of a destination.</summary>
    public IProgress<VerificationProgress> Verification() => new Reports<VerificationProgress>(p =>
        Show(new ProgressSample(_operation, "verifying", p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal, p.CurrentFile, p.SetsDone == p.SetsTotal)));

    /// <summary>Reports of a verification of files and folders (<c>verify PATH...</c>).</summary>
    public IProgress<Formats.Files.VerifierProgress> Files() => new Reports<Formats.Files.VerifierProgress>(p =>
        Show(new ProgressSample(_operation, "verifying", p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal, p.CurrentFile, p.CurrentFile is null)));

    /// <summary>Shows one report; the last one (<see cref="ProgressSample.Finished"/>) ends the display.</summary>
    public void Show(ProgressSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            if (_finished || _view is null)
            {
                return;
            }

            _view.Show(sample);
            if (sample.Finished)
            {
                _finished = true;
                _view.Finish();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _finished = true;
            _view?.Finish();
        }
    }

    private static bool IsTerminal(CliConsole console) => ReferenceEquals(console.Error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Reports handed on at once, on the reporting thread, in order (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class Reports<T>(Action<T> show) : IProgress<T>
    {
        public void Report(T value) => show(value);
    }
}
