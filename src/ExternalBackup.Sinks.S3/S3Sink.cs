using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// A sink writing sets to an S3-compatible bucket as <c>&lt;prefix&gt;/&lt;setId&gt;/&lt;path&gt;</c>, with
/// <c>manifest.json</c> written last. Each file is a multipart upload (parts sent concurrently, memory bounded by
/// <see cref="S3SinkOptions.MaxConcurrentUploads"/>), or one PutObject when it fits in one part; every request is
/// retried on its own through the one resilience pipeline of every sink (<see cref="SinkResiliencePipeline"/>, with
/// <see cref="S3SinkOptions.Retry"/>), classified by the sink's <see cref="S3ErrorClassifier"/>.
/// <para>
/// Each multipart upload is completed in the background as soon as its file's parts are in; the objects of a set
/// without its manifest are not a backup, and <see cref="CommitAsync"/> waits for every file before writing the
/// manifest. A journal of uploads and acknowledged parts (<see cref="S3SinkOptions.JournalDirectory"/>), completed on
/// resume by ListParts, lets a set that was interrupted (process killed, sink disposed without commit or abort) be
/// resumed: begin the same set id again and stream the same files; parts whose size and MD5 ETag match the bytes
/// streamed again are not sent again (parts of an object the interrupted run already completed are copied within the
/// store if the file changed elsewhere, or the file is skipped if it did not). <see cref="AbortAsync"/> aborts the uploads and
/// deletes the set's objects and journal. When a set begins, owned multipart uploads older than
/// <see cref="S3SinkOptions.StaleUploadAge"/> are aborted.
/// </para>
/// <para>
/// While a set is written the sink holds a lease under the prefix (one small object, put when the set begins and
/// deleted when it is committed, aborted or the sink disposed), and a set does not begin while <c>esebackup forget</c>
/// holds the prefix: forget never removes the set an incremental being written extends (<see cref="S3Lease"/>).
/// </para>
/// </summary>
public sealed class S3Sink : IBackupSink, IBackupSetCatalog, ISinkFaultClassifier
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3SinkOptions _options;
    private readonly S3ObjectLayout _layout;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly S3ErrorClassifier _classifier;
    private readonly PartBufferPool _buffers;
    private readonly CancellationTokenSource _abort = new();
    private readonly List<S3FileUpload> _files = [];
    private BackupSetDescriptor? _set;
    private S3UploadContext? _context;
    private JournalWriter? _journal;
    private S3Lease? _lease;
    private S3FileUpload? _open;
    private bool _committed;
    private bool _aborted;

    /// <summary>A sink with its own client made by <see cref="S3ClientFactory.Create"/>.</summary>
    public S3Sink(S3SinkOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(S3ClientFactory.Create(options), options, logger, timeProvider, ownsClient: true)
    {
    }

    /// <summary>
    /// A sink using <paramref name="client"/> (not disposed by the sink). The client should be configured as
    /// <see cref="S3ClientFactory.Create"/> does: SDK retries off, checksums when required for S3-compatible stores.
    /// </summary>
    public S3Sink(IAmazonS3 client, S3SinkOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(client, options, logger, timeProvider, ownsClient: false)
    {
    }

    private S3Sink(IAmazonS3 client, S3SinkOptions options, ILogger? logger, TimeProvider? timeProvider, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        _layout = new S3ObjectLayout(options.Prefix);
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        var contact = new S3EndpointContact();
        contact.Watch(client);
        _classifier = new S3ErrorClassifier(_time, contact);
        _pipeline = SinkResiliencePipeline.Create(options.Retry, _classifier, nameof(S3Sink), _logger, _time);
        _buffers = new PartBufferPool(options.MaxConcurrentUploads + 1);
    }

    /// <summary>The key layout in the bucket.</summary>
    public S3ObjectLayout Layout => _layout;

    /// <summary>What the current set has sent so far.</summary>
    public S3SinkStatistics Statistics => _context?.Snapshot() ?? new S3SinkStatistics(0, 0, 0, 0, 0, _buffers.AllocatedBytes);

    /// <summary>Which failures of the sink's requests are transient: <see cref="S3ErrorClassifier.Classify"/>.</summary>
    public SinkFault Classify(Exception exception) => _classifier.Classify(exception);

    /// <summary>How many stale uploads the last <see cref="BeginSetAsync"/> aborted.</summary>
    public int StaleUploadsAborted { get; private set; }

    /// <summary>Whether the current set resumes one that was interrupted (its journal was found).</summary>
    public bool IsResumed { get; private set; }

    /// <inheritdoc/>
    public async ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (_set is not null)
        {
            throw new InvalidOperationException($"S3 sink: set {_set.SetId} already begun; one sink writes one set");
        }

        var manifestKey = _layout.ManifestKey(set.SetId);
        IUploadJournalStore store = _options.JournalDirectory is { } dir
            ? new FileUploadJournalStore(Path.Combine(dir, set.SetId + ".journal.json"))
            : new StoreUploadJournalStore(_client, _pipeline, _options.Bucket, _layout.JournalKey(set.SetId));

        // Independent round trips go out together: every one is time before the first byte can be sent.
        var committed = ExistsAsync(manifestKey, cancellationToken).AsTask();
        var loading = store.LoadAsync(cancellationToken).AsTask();
        await Task.WhenAll(committed, loading).ConfigureAwait(false);

        // The lease once the endpoint has answered (a wrong endpoint is still one line after the first-contact retries).
        _lease = await S3Lease.TakeForBackupAsync(new S3Lease.Store(_client, _pipeline, _options.Bucket, _layout, _options.StaleUploadAge, _time, _logger), set.SetId, cancellationToken).ConfigureAwait(false);
        if (await committed.ConfigureAwait(false))
        {
            throw new InvalidOperationException($"S3 sink: set {set.SetId} is already committed at s3://{_options.Bucket}/{manifestKey}");
        }

        var journal = await loading.ConfigureAwait(false);
        if (journal is not null && journal.SetId != set.SetId)
        {
            throw new InvalidDataException($"{store.Location}: journal of set {journal.SetId}, not {set.SetId}");
        }

        IsResumed = journal is not null;
        journal ??= new UploadJournal { SetId = set.SetId };
        if (IsResumed)
        {
            await DropUnknownUploadsAsync(journal, cancellationToken).ConfigureAwait(false);
            S3SinkLog.Resuming(_logger, set.SetId, journal.Files.Count, journal.PartCount);
        }

        var keep = journal.Files.Values.Select(f => f.UploadId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var sweeping = S3StaleUploadSweeper.SweepAsync(
            _client, _pipeline, _options.Bucket, _layout, _time.GetUtcNow() - _options.StaleUploadAge, keep, _logger, cancellationToken).AsTask();

        // The first save proves the journal's place writable before any byte is sent.
        _journal = new JournalWriter(journal, store);
        _journal.Update(_ => { });
        var saving = _journal.FlushAsync(cancellationToken).AsTask();
        await Task.WhenAll(sweeping, saving).ConfigureAwait(false);
        StaleUploadsAborted = await sweeping.ConfigureAwait(false);
        _context = new S3UploadContext(_client, _pipeline, _options.Bucket, set.SetId, _options.MinimumPartSize, _options.SendContentMd5, _options.ExpectContinue, _buffers, _journal, _logger, _abort.Token);
        _set = set;
    }

    /// <inheritdoc/>
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var context = RequireSet();
        if (_open is not null)
        {
            throw new InvalidOperationException($"S3 sink: {file.Path} opened while {_open.File.Path} is still open");
        }

        ThrowIfBackgroundFailed();
        var key = _layout.ObjectKey(context.SetId, file.Path);
        if (_files.Any(f => f.File.Path == file.Path))
        {
            throw new InvalidOperationException($"S3 sink: {file.Path} written twice in set {context.SetId}");
        }

        var previous = _journal!.Read(j => j.Files.GetValueOrDefault(file.Path)?.Copy());
        _open = new S3FileUpload(context, file, key, previous);
        _open.StartEarly();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("S3 sink: write with no file open");
        try
        {
            await open.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await FailOpenFileAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var open = _open ?? throw new InvalidOperationException($"S3 sink: {file.File.Path} completed but no file is open");
        if (open.File.Path != file.File.Path)
        {
            throw new InvalidOperationException($"S3 sink: {file.File.Path} completed while {open.File.Path} is open");
        }

        try
        {
            await open.CompleteAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await FailOpenFileAsync().ConfigureAwait(false);
            throw;
        }

        _files.Add(open);
        _open = null;
    }

    /// <inheritdoc/>
    public async ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var context = RequireSet();
        if (_open is not null)
        {
            throw new InvalidOperationException($"S3 sink: commit while {_open.File.Path} is still open");
        }

        if (manifest.SetId != context.SetId)
        {
            throw new InvalidOperationException($"S3 sink: manifest of set {manifest.SetId} committed to set {context.SetId}");
        }

        var written = _files.Select(f => f.File.Path).ToHashSet(StringComparer.Ordinal);
        if (manifest.Files.FirstOrDefault(f => !written.Contains(f.Path)) is { } missing)
        {
            throw new InvalidOperationException($"S3 sink: the manifest of {context.SetId} lists {missing.Path}, which was not written");
        }

        // Each file's multipart upload was completed in the background once its parts were in; this waits for the last.
        await WaitForPendingAsync().ConfigureAwait(false);

        await RemoveLeftoversAsync(written, cancellationToken).ConfigureAwait(false);
        var manifestKey = _layout.ManifestKey(context.SetId);
        var document = ManifestJson.Serialize(manifest);
        await _pipeline.ExecuteAsync(async ct =>
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = manifestKey,
                InputStream = new MemoryStream(document, writable: false),
                MD5Digest = Convert.ToBase64String(MD5.HashData(document)),
                UseChunkEncoding = false,
                ContentType = "application/json",
            };
            request.Metadata.Add(S3Cleanup.SetMetadataName, context.SetId);
            await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _committed = true;
        S3SinkLog.Committed(_logger, context.SetId, _files.Count, _options.Bucket, manifestKey);
        await ReleaseLeaseAsync().ConfigureAwait(false);
        try
        {
            await _journal!.Store.DeleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or IOException)
        {
            S3SinkLog.CleanupFailed(_logger, _options.Bucket, _journal!.Store.Location, e.Message);
        }
    }

    /// <inheritdoc/>
    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        if (_set is null || _committed || _aborted)
        {
            return;
        }

        _aborted = true;
        S3SinkLog.Aborting(_logger, _set.SetId, "abort requested");
        await _abort.CancelAsync().ConfigureAwait(false);
        var openKey = _open?.Key;
        if (_open is not null)
        {
            await _open.AbortAsync().ConfigureAwait(false);
            _open = null;
        }

        foreach (var file in _files)
        {
            if (file.Pending is { } put)
            {
                await put.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            if (file.UploadId is not null)
            {
                await S3Cleanup.AbortUploadAsync(_client, _pipeline, _options.Bucket, file.Key, file.UploadId, _logger).ConfigureAwait(false);
            }
        }

        // Every key this set wrote or began to write is deleted by name: a listing can miss an object whose write was
        // cut short by the cancellation above or whose listing entry the store has not caught up with (Swift updates
        // container listings asynchronously under load). A delete is newer than any write it races with, so it wins.
        var clean = true;
        var written = _files.Select(f => f.Key)
            .Concat(openKey is null ? [] : [openKey])
            .Concat(_journal!.Read(j => j.Files.Values.Select(f => f.Key).ToList()))
            .Distinct(StringComparer.Ordinal);
        foreach (var key in written)
        {
            clean &= await S3Cleanup.DeleteAsync(_client, _pipeline, _options.Bucket, key, _logger).ConfigureAwait(false);
        }

        clean &= await S3Cleanup.RemoveAllUnderAsync(_client, _pipeline, _options.Bucket, _layout.SetRoot(_set.SetId), _logger, cancellationToken).ConfigureAwait(false);
        try
        {
            await _journal!.Store.DeleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or IOException)
        {
            clean = false;
            S3SinkLog.CleanupFailed(_logger, _options.Bucket, _journal!.Store.Location, e.Message);
        }

        await ReleaseLeaseAsync().ConfigureAwait(false);
        if (!clean)
        {
            throw new IOException($"S3 sink: set {_set.SetId} aborted, but some of its uploads or objects under s3://{_options.Bucket}/{_layout.SetRoot(_set.SetId)} could not be removed (see the log); no manifest was written");
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken)
    {
        var manifests = new List<BackupManifest>();
        string? token = null;
        do
        {
            var page = await _pipeline.ExecuteAsync(async ct => await _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = _layout.Root,
                Delimiter = "/",
                ContinuationToken = token,
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            foreach (var setRoot in page.CommonPrefixes ?? [])
            {
                var key = setRoot + BackupManifest.FileName;
                var bytes = await ReadIfExistsAsync(key, cancellationToken).ConfigureAwait(false);
                if (bytes is not null)
                {
                    manifests.Add(ManifestJson.Deserialize(bytes, $"s3://{_options.Bucket}/{key}"));
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return manifests.OrderBy(m => m.StartedUtc).ThenBy(m => m.SetId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Ends the sink. A set neither committed nor aborted is left resumable: uploads in flight are finished and
    /// journaled, nothing is aborted (a later set aborts it once it is stale).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_open is not null)
        {
            await _open.DrainAsync().ConfigureAwait(false);
        }

        foreach (var file in _files)
        {
            if (file.Pending is { } put)
            {
                await put.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        await ReleaseLeaseAsync().ConfigureAwait(false);
        _abort.Dispose();
        _journal?.Dispose();
        _buffers.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async ValueTask ReleaseLeaseAsync()
    {
        if (_lease is { } lease)
        {
            _lease = null;
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private S3UploadContext RequireSet()
    {
        if (_context is null)
        {
            throw new InvalidOperationException("S3 sink: no set begun");
        }

        if (_committed || _aborted)
        {
            throw new InvalidOperationException($"S3 sink: set {_context.SetId} is already {(_committed ? "committed" : "aborted")}");
        }

        return _context;
    }

    private void ThrowIfBackgroundFailed()
    {
        foreach (var file in _files)
        {
            if (file.Pending is { IsFaulted: true } put)
            {
                throw put.Exception!.InnerException!;
            }
        }
    }

    private async ValueTask WaitForPendingAsync()
    {
        foreach (var file in _files)
        {
            if (file.Pending is { } put)
            {
                await put.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask FailOpenFileAsync()
    {
        if (_open is { } open)
        {
            _open = null;
            await open.AbortAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Removes what an interrupted earlier run of a resumed set wrote for files this run did not write.</summary>
    private async ValueTask RemoveLeftoversAsync(HashSet<string> written, CancellationToken cancellationToken)
    {
        var leftovers = _journal!.Read(j => j.Files.Where(f => !written.Contains(f.Key)).Select(f => f.Value).ToList());
        foreach (var file in leftovers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var removed = file.UploadId is { } uploadId
                ? await S3Cleanup.AbortUploadAsync(_client, _pipeline, _options.Bucket, file.Key, uploadId, _logger).ConfigureAwait(false)
                : await S3Cleanup.DeleteAsync(_client, _pipeline, _options.Bucket, file.Key, _logger).ConfigureAwait(false);
            if (!removed)
            {
                throw new IOException($"S3 sink: could not remove s3://{_options.Bucket}/{file.Key}, left by the interrupted run of this set and not part of it");
            }
        }
    }

    private async ValueTask DropUnknownUploadsAsync(UploadJournal journal, CancellationToken cancellationToken)
    {
        foreach (var (path, file) in journal.Files.ToList())
        {
            if (file.UploadId is null)
            {
                continue;
            }

            // Every part was in and the journal saved just before the completion: if the object is there with the
            // ETag these parts make, the completion went through before the process died (some stores, Swift among
            // them, still list the parts of a completed upload, so this is asked first).
            if (file.Length is not null && file.Parts.Count > 0)
            {
                var etag = MultipartETag.Of(file.Parts.Values.Select(p => p.ETag));
                if (string.Equals(await ETagIfExistsAsync(file.Key, cancellationToken).ConfigureAwait(false), etag, StringComparison.OrdinalIgnoreCase))
                {
                    file.UploadId = null;
                    file.ETag = etag;
                    continue;
                }
            }

            Dictionary<int, (string ETag, long Size)> listed;
            try
            {
                listed = await ListPartsAsync(file.Key, file.UploadId, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" || e.StatusCode == HttpStatusCode.NotFound)
            {
                journal.Files.Remove(path);
                continue;
            }

            foreach (var (number, part) in file.Parts.ToList())
            {
                if (!listed.TryGetValue(number, out var stored) || stored.ETag.Trim('"') != part.ETag.Trim('"'))
                {
                    file.Parts.Remove(number);
                }
            }

            // Parts the store acknowledged after the journal was last saved (the process died first).
            foreach (var (number, stored) in listed)
            {
                if (!file.Parts.ContainsKey(number))
                {
                    file.Parts[number] = new JournalPart(stored.Size, stored.ETag);
                }
            }
        }
    }

    private async ValueTask<Dictionary<int, (string ETag, long Size)>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<int, (string ETag, long Size)>();
        string? marker = null;
        while (true)
        {
            var page = await _pipeline.ExecuteAsync(async ct => await _client.ListPartsAsync(new ListPartsRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumberMarker = marker,
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            foreach (var part in page.Parts ?? [])
            {
                parts[part.PartNumber ?? 0] = (part.ETag, part.Size ?? -1);
            }

            if (page.IsTruncated != true || page.NextPartNumberMarker is null)
            {
                return parts;
            }

            marker = page.NextPartNumberMarker.ToString();
        }
    }

    private async ValueTask<string?> ETagIfExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _pipeline.ExecuteAsync(async ct => await _client.GetObjectMetadataAsync(_options.Bucket, key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return head.ETag?.Trim('"');
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.ExecuteAsync(async ct => await _client.GetObjectMetadataAsync(_options.Bucket, key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async ValueTask<byte[]?> ReadIfExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct =>
            {
                using var response = await _client.GetObjectAsync(_options.Bucket, key, ct).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                return buffer.ToArray();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
