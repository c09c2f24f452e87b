using Amazon.S3.Model;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Retention;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Removal from an S3 prefix, which has no atomic rename and no lock, under forget's lease (<see cref="S3Lease"/>:
/// refused while a backup writes under the prefix, and no backup begins meanwhile): a marker object
/// <c>&lt;prefix&gt;/&lt;setId&gt;.removing</c> is put beside the set (outside it, where the sink keeps its journal),
/// then the manifest is deleted (the set stops being committed), then every object and unfinished upload under the
/// set's prefix and its journal, then the marker. The sweep finishes what an interrupted removal began (a marker
/// without a manifest), drops markers of sets still whole, and aborts unfinished multipart uploads older than
/// <see cref="S3SinkOptions.StaleUploadAge"/> (<see cref="S3StaleUploadSweeper"/>, as a beginning set does, so a
/// running backup's uploads are left alone).
/// </summary>
public sealed partial class S3Repository : IBackupSetRemover
{
    private const string RemovalMarkerSuffix = ".removing";

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken) =>
        await S3Lease.TakeForForgetAsync(new S3Lease.Store(_client, _pipeline, _options.Bucket, _layout, _options.StaleUploadAge, _time, _logger), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = new List<string>();
        foreach (var item in await S3Cleanup.ListObjectsAsync(_client, _pipeline, _options.Bucket, _layout.Root, cancellationToken).ConfigureAwait(false))
        {
            var rest = item.Key[_layout.Root.Length..];
            if (rest.Contains('/', StringComparison.Ordinal) || !rest.EndsWith(RemovalMarkerSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = rest[..^RemovalMarkerSuffix.Length];
            if (SetPath.Check(name) is not null || name.Length == 0)
            {
                continue;
            }

            if (await ReadManifestIfStoredAsync(name, cancellationToken).ConfigureAwait(false) is null)
            {
                await RemoveObjectsAsync(name, cancellationToken).ConfigureAwait(false);
                swept.Add($"removed the objects of set '{name}', whose removal was interrupted after its manifest went");
            }
            else
            {
                await DeleteAsync(item.Key).ConfigureAwait(false);
            }
        }

        var aborted = await S3StaleUploadSweeper.SweepAsync(
            _client, _pipeline, _options.Bucket, _layout, _time.GetUtcNow() - _options.StaleUploadAge, new HashSet<string>(StringComparer.Ordinal), _logger, cancellationToken).ConfigureAwait(false);
        if (aborted > 0)
        {
            swept.Add($"aborted {aborted} unfinished multipart upload(s) older than {_options.StaleUploadAge}");
        }

        return swept;
    }

    /// <inheritdoc />
    public async ValueTask RemoveManifestAsync(StoredSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        var marker = MarkerKey(set.Name);
        await _pipeline.ExecuteAsync(async ct => await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = marker,
            InputStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"removing set {set.Name}"), writable: false),
            UseChunkEncoding = false,
            ContentType = "text/plain",
        }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await DeleteAsync(_layout.ManifestKey(set.Name)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveFilesAsync(StoredSet set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        await RemoveObjectsAsync(set.Name, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RemoveObjectsAsync(string name, CancellationToken cancellationToken)
    {
        var clean = await S3Cleanup.RemoveAllUnderAsync(_client, _pipeline, _options.Bucket, _layout.SetRoot(name), _logger, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(_layout.JournalKey(name)).ConfigureAwait(false);
        if (!clean)
        {
            // The marker stays: the next sweep tries again.
            throw new IOException($"{Location}: some objects of set '{name}' could not be deleted (logged); the set is no longer committed and the next forget removes the rest");
        }

        await DeleteAsync(MarkerKey(name)).ConfigureAwait(false);
    }

    /// <summary>Beside the set, like its journal: never inside the set, never a set of its own.</summary>
    private string MarkerKey(string name) => _layout.SetRoot(name).TrimEnd('/') + RemovalMarkerSuffix;

    private async ValueTask DeleteAsync(string key)
    {
        if (!await S3Cleanup.DeleteAsync(_client, _pipeline, _options.Bucket, key, _logger).ConfigureAwait(false))
        {
            throw new IOException($"cannot delete s3://{_options.Bucket}/{key} (logged)");
        }
    }
}
