using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Cli.Logging;

/// <summary>
/// One line per event on standard error, never a stack trace (an exception adds its message only):
/// <c>esebackup: info 1101 BackupBegan: message</c>, or with <c>--json</c> one JSON object with the event's id,
/// name, level, message and fields.
/// </summary>
internal sealed class StderrLogger(string category, StderrLines lines, LogLevel minimum, bool showErrors, bool json) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum && (showErrors || logLevel < LogLevel.Error);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
        {
            message = $"{message}: {exception.Message}";
        }

        lines.WriteLine(json ? Json(logLevel, eventId, state, message) : Text(logLevel, eventId, message));
    }

    private static string Text(LogLevel level, EventId id, string message) =>
        id.Id == 0 ? $"esebackup: {LevelName(level)}: {message}" : $"esebackup: {LevelName(level)} {id.Id} {id.Name}: {message}";

    private string Json<TState>(LogLevel level, EventId id, TState state, string message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", "log");
            w.WriteString("level", level.ToString().ToLowerInvariant());
            w.WriteNumber("id", id.Id);
            w.WriteString("name", id.Name);
            w.WriteString("category", category);
            w.WriteString("message", message);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                w.WriteStartObject("fields");
                foreach (var (key, value) in fields.Where(f => f.Key != "{OriginalFormat}"))
                {
                    switch (value)
                    {
                        case null:
                            w.WriteNull(key);
                            break;
                        case bool b:
                            w.WriteBoolean(key, b);
                            break;
                        case ulong u:
                            w.WriteNumber(key, u);
                            break;
                        case int or long or uint or short or ushort or byte:
                            w.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                        default:
                            w.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };
}
