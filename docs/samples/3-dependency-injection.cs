using ExternalBackup.DependencyInjection;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace BackupAgent;

public static class ContainerBackup
{
    public static ServiceProvider Build(string destination) =>
        new ServiceCollection()
            .AddExternalBackup(options =>
            {
                options.Destination = destination;
                options.Resilience = options.Resilience with { MaxRetryAttempts = 5 };
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    public static Task<BackupResult> RunAsync(IServiceProvider services, IExternalBackupEngine engine, CancellationToken cancellationToken) =>
        services.GetRequiredService<StreamingBackupFactory>().RunAsync(engine, BackupKind.Full, progress: null, cancellationToken);
}
