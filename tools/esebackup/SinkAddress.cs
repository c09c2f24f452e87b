using ExternalBackup.Sinks;
using ExternalBackup.Sinks.Directory;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Cli;

/// <summary>Options for sinks created from <c>--to</c>.</summary>
public sealed record SinkAddressOptions
{
    /// <summary>Create a destination folder that does not exist.</summary>
    public bool CreateDestination { get; init; }
}

/// <summary>Turns a <c>--to</c> value into a sink: a folder (more kinds come with their sinks).</summary>
public static class SinkAddress
{
    /// <summary>Creates the sink <paramref name="to"/> names, wrapped in the default retry policy.</summary>
    public static IBackupSink Create(string to, SinkAddressOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentNullException.ThrowIfNull(options);
        return new ResilientSink(new DirectorySink(to, new DirectorySinkOptions { CreateDestination = options.CreateDestination }));
    }
}
