using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks;

/// <summary>A sink that can list the sets committed to its destination (needed to extend a chain).</summary>
public interface IBackupSetCatalog
{
    /// <summary>The manifests of the committed sets, oldest first.</summary>
    ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken);
}
