using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;

namespace BackupAgent;

public static class NightlyBackup
{
    // engine: the native binding (ExternalBackup.Interop.Esent's NativeEngineHost), or the engine model in tests.
    public static async Task<BackupResult> RunAsync(IExternalBackupEngine engine, string destination, CancellationToken cancellationToken)
    {
        await using var sink = new ResilientSink(new DirectorySink(destination));
        var progress = new Progress<BackupProgress>(p => Console.WriteLine($"{p.Phase} {p.Percent:F1}% {p.CurrentFile}"));
        return await new StreamingBackup(engine, sink).RunAsync(BackupKind.Full, progress, cancellationToken);
    }
}
