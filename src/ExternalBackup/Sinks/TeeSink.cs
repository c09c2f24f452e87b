using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks;

/// <summary>
/// Sends one backup to several sinks (e.g. a local folder and object storage). Every call goes to every sink in
/// order; the set commits only if every sink commits, and a failure aborts all of them. The first sink that is an
/// <see cref="IBackupSetCatalog"/> answers catalog queries.
/// </summary>
public sealed class TeeSink : IBackupSink, IBackupSetCatalog
{
    private readonly IReadOnlyList<IBackupSink> _sinks;

    /// <summary>Creates a tee over <paramref name="sinks"/> (at least one).</summary>
    public TeeSink(params IReadOnlyList<IBackupSink> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        if (sinks.Count == 0)
        {
            throw new ArgumentException("a tee needs at least one sink", nameof(sinks));
        }

        _sinks = sinks;
    }

    /// <inheritdoc />
    public async ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.BeginSetAsync(set, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.OpenFileAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.CompleteFileAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        List<Exception>? errors = null;
        foreach (var sink in _sinks)
        {
            try
            {
                await sink.AbortAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("some sinks could not discard the failed set", errors);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken) =>
        _sinks.OfType<IBackupSetCatalog>().FirstOrDefault() is { } catalog
            ? catalog.ListSetsAsync(cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<BackupManifest>>([]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }
    }
}
