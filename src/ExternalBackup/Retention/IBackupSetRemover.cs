using ExternalBackup.Repository;

namespace ExternalBackup.Retention;

/// <summary>
/// Removes committed sets from a destination (beside <see cref="IBackupRepository"/>, which reads them), in two steps so
/// that a crash between any two calls leaves only whole sets: <see cref="RemoveManifestAsync"/> first (the set stops
/// being a committed set: no listing, chain or restore sees it any more), then <see cref="RemoveFilesAsync"/>. What an
/// interrupted removal or backup left behind (files of a set whose manifest is gone, stale staging, unfinished
/// uploads) is cleaned by <see cref="SweepAsync"/>, only while <see cref="LockAsync"/>'s lock is held. Implementations
/// remove what a set is stored as (a folder, an archive, the objects under its prefix), never by the manifest's sizes:
/// stored bytes need not equal manifest bytes.
/// </summary>
public interface IBackupSetRemover
{
    /// <summary>
    /// Takes the destination's writer lock, so no backup writes into it while sets are removed; dispose to release.
    /// A folder of sets and a folder of tar archives are locked as their sinks lock them; S3 takes a lease.
    /// </summary>
    /// <exception cref="IOException">Another process holds the lock (named), or the destination is read-only.</exception>
    /// <exception cref="NotSupportedException">The destination cannot remove single sets (one tar archive holding every set).</exception>
    ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken);

    /// <summary>Removes what interrupted removals and backups left behind; returns one line per thing removed.</summary>
    ValueTask<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="set"/>'s manifest, durably: from now on the set is not committed.</summary>
    /// <exception cref="InvalidDataException">The set cannot be removed on its own (it shares its archive with other sets).</exception>
    ValueTask RemoveManifestAsync(StoredSet set, CancellationToken cancellationToken);

    /// <summary>Removes the rest of <paramref name="set"/> (after <see cref="RemoveManifestAsync"/>).</summary>
    ValueTask RemoveFilesAsync(StoredSet set, CancellationToken cancellationToken);
}
