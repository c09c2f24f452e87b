using ExternalBackup.Repository;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Restore;

/// <summary>Lists the committed sets of a destination with its step events (1501 started, 1502 listed; docs/events.md).</summary>
public static class SetListing
{
    /// <summary>The committed sets of <paramref name="repository"/>, oldest first (<see cref="IBackupRepository.ListSetsAsync"/>), logged to <paramref name="logger"/>.</summary>
    public static async Task<IReadOnlyList<StoredSet>> ListAsync(IBackupRepository repository, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        logger ??= NullLogger.Instance;
        RestoreEvents.ListingStarted(logger, repository.Location);
        var sets = await repository.ListSetsAsync(cancellationToken).ConfigureAwait(false);
        RestoreEvents.SetsListed(logger, repository.Location, sets.Count, sets.Sum(s => s.Manifest.Files.Sum(f => f.Bytes)));
        return sets;
    }
}
