using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;

namespace BackupAgent;

public static class NightlyBackup
{
    // engine: the native binding (ExternalBackup.Interop.Esent's NativeEngineHost), or the engine model in tests.
    // progress: phase, files and bytes done and known, the current file (e.g. new Progress<BackupProgress>(...)).
    public static async Task<BackupResult> RunAsync(IExternalBackupEngine engine, string destination, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        await using var sink = new ResilientSink(new DirectorySink(destination));
        return await new StreamingBackup(engine, sink).RunAsync(BackupKind.Full, progress, cancellationToken);
    }
}
