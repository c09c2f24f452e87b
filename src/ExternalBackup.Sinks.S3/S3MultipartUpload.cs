using Amazon.S3.Model;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// One file's multipart upload: the interrupted run's when its part size still fits, else one initiated in the
/// background; its parts (<see cref="PartTransfers"/>); its completion in the background once the last part is in;
/// and its abort, or its drop when the file turned out to fit in one PutObject.
/// </summary>
internal sealed class S3MultipartUpload
{
    private readonly S3UploadContext _context;
    private readonly string _path;
    private readonly string _key;
    private readonly int _partSize;
    private readonly InterruptedUpload _interrupted;
    private readonly PartTransfers _parts;
    private readonly List<(int Number, long Size)> _copyLater = [];
    private Task<string>? _upload;

    public S3MultipartUpload(S3UploadContext context, string path, string key, int partSize, InterruptedUpload interrupted)
    {
        _context = context;
        _path = path;
        _key = key;
        _partSize = partSize;
        _interrupted = interrupted;
        _parts = new PartTransfers(context, path, key, partSize);
    }

    /// <summary>The multipart upload, once started (and again <see langword="null"/> once a file that turned out small has aborted it).</summary>
    public string? UploadId { get; private set; }

    /// <summary>Whether the upload was started (or the interrupted run's taken over).</summary>
    public bool IsStarted => _upload is not null;

    /// <summary>Parts to copy from the interrupted run's object once the upload starts.</summary>
    public int CopiesWaiting => _copyLater.Count;

    /// <summary>Throws when a part has failed.</summary>
    public void ThrowIfFailed() => _parts.ThrowIfFailed();

    /// <summary>The file's multipart upload: the interrupted run's when its part size still fits, else one initiated in the background.</summary>
    public Task<string> Start()
    {
        if (_upload is not null)
        {
            return _upload;
        }

        if (_interrupted.ReusableUploadId is { } previousId)
        {
            UploadId = previousId;
            _upload = Task.FromResult(previousId);
        }
        else
        {
            _upload = Task.Run(InitiateAsync, CancellationToken.None);
        }

        foreach (var (number, size) in _copyLater)
        {
            _parts.Copy(_upload, number, size);
        }

        _copyLater.Clear();
        return _upload;
    }

    /// <summary>Sends part <paramref name="number"/>, starting the upload if need be.</summary>
    public void Send(byte[] buffer, int size, int number) => _parts.Send(Start(), buffer, size, number);

    /// <summary>Part <paramref name="number"/> is in the interrupted run's upload, which this file continues, with <paramref name="etag"/>.</summary>
    public void Reuse(int number, string etag)
    {
        Start();
        _parts.Acknowledge(number, etag);
    }

    /// <summary>Part <paramref name="number"/> is copied from the interrupted run's object: at once when the upload has started, else once it starts.</summary>
    public void CopyFromObject(int number, long size)
    {
        if (_upload is null)
        {
            _copyLater.Add((number, size));
        }
        else
        {
            _parts.Copy(_upload, number, size);
        }
    }

    /// <summary>Every part matched the object the interrupted run completed: nothing is copied.</summary>
    public void ForgetCopies() => _copyLater.Clear();

    /// <summary>Waits for parts 1 to <paramref name="partCount"/>, saves the journal, then completes the upload.</summary>
    public async Task FinishAsync(int partCount, long length, string sha)
    {
        try
        {
            await _parts.WhenAll().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed file aborts its multipart upload at once; the set fails at the next call.
            if (UploadId is { } uploadId)
            {
                await S3Cleanup.AbortUploadAsync(_context, _key, uploadId).ConfigureAwait(false);
            }

            ThrowIfFailed();
            throw;
        }

        var parts = _parts.PartETags(partCount);
        var last = partCount;
        _context.Journal.Update(j =>
        {
            var entry = j.Files[_path];
            foreach (var extra in entry.Parts.Keys.Where(k => k > last).ToList())
            {
                entry.Parts.Remove(extra);
            }

            entry.Length = length;
            entry.Sha256 = sha;
        });

        // Saved with every part before the completion: should the process die before the completed state is saved,
        // a resumed set finds the upload gone and recognises the object by the ETag these parts give (MultipartETag).
        await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
        var etag = await MultipartCompletion.CompleteAsync(_context, _path, _key, UploadId, parts).ConfigureAwait(false);
        _context.Journal.Update(j =>
        {
            var entry = j.Files[_path];
            entry.UploadId = null;
            entry.ETag = etag;
        });
        UploadId = null;
    }

    /// <summary>Waits for the parts in flight and the initiation, then aborts the upload.</summary>
    public async ValueTask AbortAsync()
    {
        try
        {
            await _parts.WhenAll(_upload).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failures are what brought us here.
        }

        if (UploadId is not null)
        {
            await S3Cleanup.AbortUploadAsync(_context, _key, UploadId).ConfigureAwait(false);
        }
    }

    /// <summary>Lets the parts in flight finish (and be journaled) without starting more.</summary>
    public async ValueTask DrainAsync()
    {
        try
        {
            // The initiation too: once it finishes, its upload id is in the journal and a resumed set finds it.
            await _parts.WhenAll(_upload).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Interrupted anyway; a resumed set sends what was not acknowledged.
        }
    }

    /// <summary>
    /// A file announced larger than one part that turned out to fit in one is sent with PutObject: the multipart
    /// upload started for it (or left by an interrupted run) is aborted.
    /// </summary>
    public async Task DropAsync()
    {
        string? uploadId = null;
        if (_upload is not null)
        {
            try
            {
                uploadId = await _upload.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its initiation failed: there is nothing to abort but what an interrupted run left.
            }
        }

        uploadId ??= _interrupted.LeftUploadId;
        if (uploadId is not null)
        {
            await S3Cleanup.AbortUploadAsync(_context, _key, uploadId).ConfigureAwait(false);
        }

        UploadId = null;
    }

    private async Task<string> InitiateAsync()
    {
        if (_interrupted.LeftUploadId is { } staleId)
        {
            await S3Cleanup.AbortUploadAsync(_context, _key, staleId).ConfigureAwait(false);
        }

        var response = await _context.Pipeline.ExecuteAsync(async ct =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _context.Bucket, Key = _key, ContentType = "application/octet-stream" };
            request.Metadata.Add(S3Cleanup.SetMetadataName, _context.SetId);
            return await _context.Client.InitiateMultipartUploadAsync(request, ct).ConfigureAwait(false);
        }, _context.BackgroundToken).ConfigureAwait(false);
        var uploadId = response.UploadId;
        UploadId = uploadId;

        // Durable before any part is sent: a part the store acknowledges always belongs to an upload a resumed set can find.
        _context.Journal.Update(j => j.Files[_path] = new JournalFile { Key = _key, UploadId = uploadId, PartSize = _partSize });
        await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
        return uploadId;
    }
}
