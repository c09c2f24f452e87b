using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ExternalBackup.Sinks.Resilience;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The sets under an S3 prefix as <see cref="S3Sink"/> writes them (<see cref="S3ObjectLayout"/>): a set is a
/// key segment below the prefix holding <c>manifest.json</c>; an interrupted set (no manifest) is not listed.
/// Listing and opening run through the sink's retry pipeline; an object is read with one GET whose
/// <c>Content-Length</c> must be the manifest's size, and never more than that many bytes are read from it.
/// </summary>
public sealed partial class S3Repository : IBackupRepository
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3SinkOptions _options;
    private readonly S3ObjectLayout _layout;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Reads the sets at <see cref="S3SinkOptions.Bucket"/>/<see cref="S3SinkOptions.Prefix"/> (the endpoint, keys and retry options are used; upload tuning is not).</summary>
    public S3Repository(S3SinkOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(S3ClientFactory.Create(options), options, logger, ownsClient: true, timeProvider)
    {
    }

    /// <summary>Reads with a client the caller owns.</summary>
    public S3Repository(IAmazonS3 client, S3SinkOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(client, options, logger, ownsClient: false, timeProvider)
    {
    }

    private S3Repository(IAmazonS3 client, S3SinkOptions options, ILogger? logger, bool ownsClient, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        _layout = new S3ObjectLayout(options.Prefix);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var contact = new S3EndpointContact();
        contact.Watch(client);
        _pipeline = SinkResiliencePipeline.Create(options.Retry, new S3ErrorClassifier(_time, contact), nameof(S3Repository), _logger, _time);
    }

    /// <inheritdoc />
    public string Location => _layout.Prefix.Length == 0 ? $"s3://{_options.Bucket}" : $"s3://{_options.Bucket}/{_layout.Prefix}";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredSet>> ListSetsAsync(CancellationToken cancellationToken)
    {
        var sets = new List<StoredSet>();
        string? token = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                page = await _pipeline.ExecuteAsync(async ct => await _client.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = _options.Bucket,
                    Prefix = _layout.Root,
                    Delimiter = "/",
                    ContinuationToken = token,
                }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new DirectoryNotFoundException($"the backup destination {Location} does not exist (bucket not found)", e);
            }

            foreach (var setRoot in page.CommonPrefixes ?? [])
            {
                var name = setRoot[_layout.Root.Length..].TrimEnd('/');
                if (name.StartsWith('.') || SetPath.Check(name) is not null)
                {
                    continue;
                }

                if (await ReadManifestIfStoredAsync(name, cancellationToken).ConfigureAwait(false) is { } manifest)
                {
                    sets.Add(new StoredSet(name, manifest));
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return [.. sets.OrderBy(s => s.Manifest.StartedUtc).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async ValueTask<BackupManifest> ReadManifestAsync(string name, CancellationToken cancellationToken) =>
        await ReadManifestIfStoredAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidDataException($"no committed set named '{name}' in {Location}");

    /// <inheritdoc />
    public async ValueTask<Stream> OpenFileAsync(StoredSet set, ManifestFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(file);
        var name = $"{set.Describe()}: '{file.Path}'";
        if (SetPath.Check(file.Path) is { } unsafePath)
        {
            throw new InvalidDataException($"{name}: unsafe path ({unsafePath})");
        }

        var response = await GetAsync(_layout.ObjectKey(set.Name, file.Path), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{name} is missing");
        if (response.ContentLength != file.Bytes)
        {
            var length = response.ContentLength;
            response.Dispose();
            throw new InvalidDataException($"{name} has {length} bytes, the manifest says {file.Bytes}");
        }

        return new BoundedReadStream(response.ResponseStream, file.Bytes, name, checkEnd: true, owner: response);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<BackupManifest?> ReadManifestIfStoredAsync(string name, CancellationToken cancellationToken)
    {
        var key = _layout.ManifestKey(name);
        var origin = $"s3://{_options.Bucket}/{key}";
        using var response = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        if (response.ContentLength is < 0 or > RepositoryLimits.MaxManifestBytes)
        {
            throw new InvalidDataException($"{origin}: the manifest has {response.ContentLength} bytes, more than the {RepositoryLimits.MaxManifestBytes} a manifest may have");
        }

        var bytes = new byte[response.ContentLength];
        await using (var data = new BoundedReadStream(response.ResponseStream, bytes.Length, origin))
        {
            await data.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return ManifestJson.Deserialize(bytes, origin);
    }

    private async ValueTask<GetObjectResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct => await _client.GetObjectAsync(_options.Bucket, key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }
}
