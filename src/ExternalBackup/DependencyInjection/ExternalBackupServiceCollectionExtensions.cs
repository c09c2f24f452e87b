using ExternalBackup.Restore;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.DependencyInjection;

/// <summary>Registers ExternalBackup's pipeline in a service container.</summary>
public static class ExternalBackupServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons, <see cref="StreamingBackupFactory"/> (backups of an engine into the configured sink),
    /// <see cref="BackupSinkFactory"/> (that sink, its calls retried), the validated <see cref="ExternalBackupOptions"/>,
    /// their <see cref="SinkResilienceOptions"/> and <see cref="RestoreOptions"/>, and <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is registered. Loggers come from the container's <see cref="ILoggerFactory"/>
    /// when there is one (<c>AddLogging</c>), before or after this call; spans and metrics from
    /// <see cref="Telemetry.ExternalBackupTelemetry"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options <paramref name="configure"/> left are not valid (named); thrown here, when the services are added.</exception>
    public static IServiceCollection AddExternalBackup(this IServiceCollection services, Action<ExternalBackupOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ExternalBackupOptions();
        configure(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(options.Resilience);
        services.AddSingleton(sp => options.Restore with { TimeProvider = sp.GetRequiredService<TimeProvider>() });
        services.AddSingleton(sp => new BackupSinkFactory(options, sp, sp.GetRequiredService<TimeProvider>(), Loggers(sp)));
        services.AddSingleton(sp => new StreamingBackupFactory(options, sp.GetRequiredService<BackupSinkFactory>(), sp.GetRequiredService<TimeProvider>(), Loggers(sp)));
        return services;
    }

    private static ILoggerFactory Loggers(IServiceProvider services) => services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
