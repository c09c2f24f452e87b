namespace ExternalBackup.Cli.Logging;

/// <summary>
/// Standard error as lines, shared by the log and the progress display of one command so their lines never
/// interleave mid-line; while a live progress bar owns the terminal, lines go through it (above the bar).
/// </summary>
public sealed class StderrLines(TextWriter error)
{
    private readonly Lock _gate = new();
    private Action<string>? _through;

    /// <summary>The writer underneath.</summary>
    public TextWriter Writer { get; } = error;

    /// <summary>Writes one line.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            if (_through is { } through)
            {
                through(line);
            }
            else
            {
                Writer.WriteLine(line);
                Writer.Flush();
            }
        }
    }

    /// <summary>Sends lines through <paramref name="through"/> (a live display) until called again with <see langword="null"/>.</summary>
    public void Route(Action<string>? through)
    {
        lock (_gate)
        {
            _through = through;
        }
    }
}
