using ExternalBackup.DependencyInjection;
using ExternalBackup.Manifest;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.DependencyInjection;

public sealed class ServiceCollectionTests
{
    [Test]
    public async Task A_backup_from_the_container_uses_its_clock_its_loggers_and_the_configured_folder()
    {
        using var scratch = new ScratchDirectory("di");
        var destination = scratch.Sub("backups");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var loggers = new RecordingLoggerFactory();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<ILoggerFactory>(loggers)
            .AddExternalBackup(o => o.Destination = destination);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var result = await provider.GetRequiredService<StreamingBackupFactory>().RunAsync(EngineModel.Open(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance")), BackupKind.Copy);

        Assert.That(result.Manifest.SetId, Is.EqualTo("20261208T010000000Z-copy"), "named on the container's clock");
        Assert.That(File.Exists(Path.Combine(destination, result.Manifest.SetId, BackupManifest.FileName)), Is.True);
        Assert.That(loggers.Logger.Entries.Select(e => e.Event.Name), Does.Contain("SetCommitted"), "the pipeline logged through the container's logger factory");
        await using (var sink = provider.GetRequiredService<BackupSinkFactory>().Create())
        {
            Assert.That(sink, Is.InstanceOf<ResilientSink>(), "folder sink calls are retried by default");
        }

        Assert.That(provider.GetRequiredService<RestoreOptions>().TimeProvider, Is.SameAs(time));
        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(time), "a registered clock is kept");
    }

    [Test]
    public async Task An_integrator_s_sink_is_made_once_per_backup_from_the_container_and_wrapped_only_when_asked()
    {
        var made = 0;
        var services = new ServiceCollection().AddExternalBackup(o =>
        {
            o.Sink = _ => { made++; return new NullSink(); };
            o.RetrySinkCalls = false;
        });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var factory = provider.GetRequiredService<BackupSinkFactory>();
        await using var first = factory.Create();
        await using var second = factory.Create();
        Assert.That(first, Is.InstanceOf<NullSink>());
        Assert.That(second, Is.InstanceOf<NullSink>().And.Not.SameAs(first));
        Assert.That(made, Is.EqualTo(2));
        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
    }

    [Test]
    public void Bad_options_are_refused_when_the_services_are_added_naming_the_option()
    {
        var services = new ServiceCollection();
        Assert.Multiple(() =>
        {
            Assert.That(() => services.AddExternalBackup(_ => { }), Throws.ArgumentException.With.Message.Contains("give exactly one of Destination (a folder) and Sink").And.Message.Contains("neither"));
            Assert.That(() => services.AddExternalBackup(o => { o.Destination = "/b"; o.Sink = _ => new NullSink(); }), Throws.ArgumentException.With.Message.Contains("both"));
            Assert.That(() => services.AddExternalBackup(o => o.Destination = " "), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("Destination"));
            Assert.That(() => services.AddExternalBackup(o => { o.Destination = "/b"; o.Resilience = new SinkResilienceOptions { MaxRetryAttempts = -1 }; }), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("MaxRetryAttempts"));
            Assert.That(() => services.AddExternalBackup(o => { o.Destination = "/b"; o.Backup = new() { ChunkSize = 1000 }; }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("ChunkSize"));
        });
        Assert.That(services, Is.Empty, "nothing was registered by a refused call");
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public RecordingLogger Logger { get; } = new();

        public ILogger CreateLogger(string categoryName) => Logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
