using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.DependencyInjection;

/// <summary>Makes the sink of one backup from <see cref="ExternalBackupOptions"/>: the folder or the integrator's sink, wrapped in <see cref="ResilientSink"/> when <see cref="ExternalBackupOptions.RetrySinkCalls"/>.</summary>
public sealed class BackupSinkFactory
{
    private readonly ExternalBackupOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    internal BackupSinkFactory(ExternalBackupOptions options, IServiceProvider services, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _services = services;
        _time = time;
        _loggers = loggers;
    }

    /// <summary>A new sink for one backup; the caller disposes it.</summary>
    public IBackupSink Create()
    {
        var sink = _options.Sink is { } make
            ? make(_services) ?? throw new InvalidOperationException($"{nameof(ExternalBackupOptions)}.{nameof(ExternalBackupOptions.Sink)} returned no sink")
            : new DirectorySink(_options.Destination!, _options.Folder);
        return _options.RetrySinkCalls ? new ResilientSink(sink, _options.Resilience, _loggers.CreateLogger<ResilientSink>(), _time) : sink;
    }
}
