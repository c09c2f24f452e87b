using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.DependencyInjection;

/// <summary>Backups of an engine's instance with the container's options, clock and loggers.</summary>
public sealed class StreamingBackupFactory
{
    private readonly StreamingBackupOptions _options;
    private readonly BackupSinkFactory _sinks;
    private readonly ILoggerFactory _loggers;

    internal StreamingBackupFactory(ExternalBackupOptions options, BackupSinkFactory sinks, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Backup with { TimeProvider = time };
        _sinks = sinks;
        _loggers = loggers;
    }

    /// <summary>A backup of <paramref name="engine"/>'s instance into <paramref name="sink"/> (the caller keeps and disposes both).</summary>
    public StreamingBackup Create(IExternalBackupEngine engine, IBackupSink sink) =>
        new(engine, sink, _options, _loggers.CreateLogger<StreamingBackup>());

    /// <summary>
    /// Runs one backup of <paramref name="kind"/> of <paramref name="engine"/>'s instance into a new sink of
    /// <see cref="BackupSinkFactory"/>, disposed afterwards; see <see cref="StreamingBackup.RunAsync"/> for what it
    /// returns and throws.
    /// </summary>
    public async Task<BackupResult> RunAsync(IExternalBackupEngine engine, BackupKind kind, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var sink = _sinks.Create();
        await using (sink.ConfigureAwait(false))
        {
            return await Create(engine, sink).RunAsync(kind, progress, cancellationToken).ConfigureAwait(false);
        }
    }
}
