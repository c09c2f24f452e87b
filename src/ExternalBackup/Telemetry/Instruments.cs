using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace ExternalBackup.Telemetry;

/// <summary>
/// The one activity source and meter of the library (<see cref="ExternalBackupTelemetry"/>) and its instruments.
/// Created once, immutable, and free when nothing listens, as .NET's own libraries do.
/// </summary>
internal static class Instruments
{
    private static readonly string? Version = typeof(Instruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static ActivitySource Source { get; } = new(ExternalBackupTelemetry.Name, Version);

    public static Meter Meter { get; } = new(ExternalBackupTelemetry.Name, Version);

    public static Counter<long> Bytes { get; } = Meter.CreateCounter<long>(ExternalBackupTelemetry.BytesCounter, "By", "Bytes stored by backups and written by restores");

    public static Counter<long> Files { get; } = Meter.CreateCounter<long>(ExternalBackupTelemetry.FilesCounter, "{file}", "Files stored by backups and written by restores");

    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>(ExternalBackupTelemetry.RetriesCounter, "{retry}", "Sink calls retried after a transient failure");

    public static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>(ExternalBackupTelemetry.DurationHistogram, "s", "How long each backup and restore took");
}
