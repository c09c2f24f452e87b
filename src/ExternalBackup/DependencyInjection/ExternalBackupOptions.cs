using ExternalBackup.Pipeline;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.DependencyInjection;

/// <summary>
/// What <see cref="ExternalBackupServiceCollectionExtensions.AddExternalBackup"/> registers: where sets go (a
/// <see cref="Destination"/> folder, or any other sink made by <see cref="Sink"/>), how sink calls are retried, and the
/// backup and restore options. Checked (<see cref="Validate"/>) when the services are added, not at the first backup.
/// Every default is stated on its property.
/// </summary>
public sealed class ExternalBackupOptions
{
    /// <summary>The default of <see cref="RetrySinkCalls"/>: <see langword="true"/>.</summary>
    public const bool DefaultRetrySinkCalls = true;

    /// <summary>A folder the sets are written into (<see cref="DirectorySink"/>, with <see cref="Folder"/>). Default none; give this or <see cref="Sink"/>.</summary>
    public string? Destination { get; set; }

    /// <summary>The folder sink's options, with <see cref="Destination"/>. Default <see cref="DirectorySinkOptions"/>' defaults (durable, flushed behind).</summary>
    public DirectorySinkOptions Folder { get; set; } = new();

    /// <summary>
    /// Makes the sink of one backup from the container (an <c>S3Sink</c>, a <see cref="Sinks.Tar.TarSink"/>, a product's
    /// own <see cref="IBackupSink"/>); called once per backup, and the backup disposes what it returns. Default none;
    /// give this or <see cref="Destination"/>.
    /// </summary>
    public Func<IServiceProvider, IBackupSink>? Sink { get; set; }

    /// <summary>
    /// Whether each sink call is retried through <see cref="ResilientSink"/> with <see cref="Resilience"/>. Default
    /// <see cref="DefaultRetrySinkCalls"/>. Turn it off for a sink that retries its own requests (the S3 sink, which
    /// applies the same options to each request), or every request would be retried twice over.
    /// </summary>
    public bool RetrySinkCalls { get; set; } = DefaultRetrySinkCalls;

    /// <summary>How sink calls are retried. Default <see cref="SinkResilienceOptions"/>' defaults (10 retries, 200 ms doubling to 30 s, 2 min per attempt, 15 min per call).</summary>
    public SinkResilienceOptions Resilience { get; set; } = new();

    /// <summary>The backups' options (chunk size, queue depth, verification, status callback). Default <see cref="StreamingBackupOptions"/>' defaults; its clock is replaced by the container's <see cref="TimeProvider"/>.</summary>
    public StreamingBackupOptions Backup { get; set; } = new();

    /// <summary>The restores' and verifications' options. Default <see cref="RestoreOptions"/>' defaults; its clock is replaced by the container's <see cref="TimeProvider"/>.</summary>
    public RestoreOptions Restore { get; set; } = new();

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if ((Destination is null) == (Sink is null))
        {
            throw new ArgumentException($"external backup options: give exactly one of {nameof(Destination)} (a folder) and {nameof(Sink)} (any other sink); {(Sink is null ? "neither" : "both")} was given", Sink is null ? nameof(Destination) : nameof(Sink));
        }

        if (Destination is not null && string.IsNullOrWhiteSpace(Destination))
        {
            throw new ArgumentException($"external backup options: {nameof(Destination)} is blank", nameof(Destination));
        }

        ArgumentNullException.ThrowIfNull(Folder, nameof(Folder));
        ArgumentNullException.ThrowIfNull(Backup, nameof(Backup));
        ArgumentNullException.ThrowIfNull(Restore, nameof(Restore));
        ArgumentNullException.ThrowIfNull(Resilience, nameof(Resilience));
        Resilience.Validate();
        Backup.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(Restore.MaxParallelFiles, 1, $"{nameof(Restore)}.{nameof(RestoreOptions.MaxParallelFiles)}");
    }
}
