using Microsoft.Extensions.Logging;

namespace ExternalBackup.Tests.Sinks.Resilience;

/// <summary>A logger that keeps every entry, for tests that check what was logged.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(EventId Event, LogLevel Level, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(EventId Event, LogLevel Level, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception), exception));
        }
    }
}
