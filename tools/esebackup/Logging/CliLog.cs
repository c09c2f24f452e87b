using Microsoft.Extensions.Logging;

namespace ExternalBackup.Cli.Logging;

/// <summary>The log of one command run on standard error (<see cref="CliLogging.Open"/>): an <see cref="ILoggerFactory"/> for the library objects the command builds.</summary>
public sealed class CliLog : ILoggerFactory
{
    private readonly LogLevel _minimum;
    private readonly bool _showErrors;

    internal CliLog(StderrLines lines, LogLevel minimum, bool showErrors, bool quiet, bool json)
    {
        Lines = lines;
        _minimum = minimum;
        _showErrors = showErrors;
        Quiet = quiet;
        Json = json;
    }

    /// <summary>Standard error, shared with the progress display.</summary>
    public StderrLines Lines { get; }

    /// <summary>Whether <c>--quiet</c> was given: no progress either.</summary>
    public bool Quiet { get; }

    /// <summary>Whether the command prints JSON (<c>--json</c>): log lines and progress events are JSON lines too.</summary>
    public bool Json { get; }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, Lines, _minimum, _showErrors, Json);

    /// <summary>A logger for <typeparamref name="T"/>.</summary>
    public ILogger<T> For<T>() => new Logger<T>(this);

    /// <summary>The general logger of the command's library calls.</summary>
    public ILogger Default => CreateLogger("ExternalBackup");

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the command line logs to standard error only");

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
