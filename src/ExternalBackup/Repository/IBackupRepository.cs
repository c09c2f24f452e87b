using ExternalBackup.Manifest;

namespace ExternalBackup.Repository;

/// <summary>
/// Reads back what a sink wrote: the committed sets of one destination (a folder, a tar archive or a folder of
/// them, an S3 prefix), their manifests, and each file of a set as a stream bounded by the manifest. Every
/// implementation runs the same contract tests. Implementations never follow links inside a set, refuse FIFOs,
/// devices and sockets before opening them, and never read more bytes of a file than its manifest gives; errors
/// name the set, the file and the cause and say nothing about anything outside the set.
/// </summary>
public interface IBackupRepository : IAsyncDisposable
{
    /// <summary>The destination as the user typed it (for messages).</summary>
    string Location { get; }

    /// <summary>The committed sets (those whose manifest is stored), oldest first (start time, then name).</summary>
    /// <exception cref="DirectoryNotFoundException">The destination does not exist.</exception>
    /// <exception cref="InvalidDataException">A manifest is malformed (one line naming it and the cause).</exception>
    ValueTask<IReadOnlyList<StoredSet>> ListSetsAsync(CancellationToken cancellationToken);

    /// <summary>Reads and validates the manifest of the set stored under <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">No committed set has that name, or its manifest is malformed.</exception>
    ValueTask<BackupManifest> ReadManifestAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Opens <paramref name="file"/> of <paramref name="set"/> (looked up where the set is stored, under
    /// <see cref="StoredSet.Name"/>, never by the manifest's set id). The stream yields exactly
    /// <see cref="ManifestFile.Bytes"/> bytes or throws <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing, is not a regular file (link, FIFO, device, socket, folder) or has another length.</exception>
    ValueTask<Stream> OpenFileAsync(StoredSet set, ManifestFile file, CancellationToken cancellationToken);
}
