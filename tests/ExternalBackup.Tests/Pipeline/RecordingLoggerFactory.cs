using ExternalBackup.Tests.Sinks.Resilience;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>Every logger it creates records into one <see cref="RecordingLogger"/>, in the order the events happen.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public RecordingLogger Recorder { get; } = new();

    public ILogger CreateLogger(string categoryName) => Recorder;

    public ILogger<T> For<T>() => new Logger<T>(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
