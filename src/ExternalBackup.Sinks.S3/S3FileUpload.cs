using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// One file of a set on its way to the store. Bytes are cut into parts of a fixed size; each full part is
/// uploaded in the background (at most as many as the buffer pool holds), and a file that fits in one part is sent
/// with a single PutObject when it completes. A file announced larger than one part starts its multipart upload when
/// it is opened, in the background, so the first part does not wait for it, and completes it in the background once
/// its last part is in. Parts a resumed set's journal already shows acknowledged with the same size, whose bytes now
/// hash to the part's ETag, are not sent again: they are reused in the interrupted run's open upload, or, when that
/// run had completed the object, the file is skipped if every part matches and otherwise the matching parts are
/// copied within the store (UploadPartCopy) into a new upload.
/// <para>
/// The sink computes no hash of its own on the way out: the pipeline hashes every byte it hands over
/// (<see cref="CompletedFile.Sha256"/>, recorded in the journal for small files) and the SDK hashes each request's
/// payload for its SigV4 signature. A resumed part is matched against the MD5 ETag the store returned for it, which
/// costs one MD5 of that part's bytes at resume time only (see <see cref="MatchesStoredPart"/>).
/// </para>
/// </summary>
internal sealed class S3FileUpload
{
    private readonly S3UploadContext _context;
    private readonly JournalFile? _previous;

    /// <summary>The interrupted run left this file's multipart upload open: its acknowledged parts are reused as they are.</summary>
    private readonly bool _resumesUpload;

    /// <summary>
    /// The interrupted run completed this file's multipart object: when every part matches, the file is not sent at
    /// all; otherwise a new upload copies the matching parts from that object in the store and sends only the others.
    /// </summary>
    private readonly bool _resumesObject;
    private readonly ConcurrentDictionary<int, string> _acknowledged = new();
    private readonly List<Task> _inFlight = [];
    private readonly List<int> _copyLater = [];
    private Task<string>? _upload;
    private byte[]? _buffer;
    private int _filled;
    private int _nextPart = 1;
    private Exception? _failure;

    /// <summary>A file about to be streamed to <paramref name="key"/>.</summary>
    /// <param name="context">What the set's uploads share.</param>
    /// <param name="file">The file as the pipeline announced it.</param>
    /// <param name="key">Its object key.</param>
    /// <param name="previous">What the interrupted run's journal holds for this file: a copy, as the journal's own entry changes while parts are acknowledged.</param>
    public S3FileUpload(S3UploadContext context, BackupFileDescriptor file, string key, JournalFile? previous)
    {
        _context = context;
        File = file;
        Key = key;
        PartSize = PartSizing.ForLength(file.ExpectedLength, context.MinimumPartSize);
        _previous = previous is not null && previous.Key == key ? previous : null;
        _resumesUpload = _previous is { UploadId: not null } && _previous.PartSize == PartSize;
        _resumesObject = _previous is { UploadId: null, ETag: not null, Parts.Count: > 0 } && _previous.PartSize == PartSize;
    }

    public BackupFileDescriptor File { get; }

    public string Key { get; }

    public int PartSize { get; }

    /// <summary>Bytes accepted so far.</summary>
    public long Received { get; private set; }

    /// <summary>The multipart upload, once started (and again <see langword="null"/> once a file that turned out small has aborted it).</summary>
    public string? UploadId { get; private set; }

    /// <summary>
    /// Starts the multipart upload in the background when the file is announced larger than one part, so that the
    /// initiation's round trips (and the journal save that makes the upload id durable) overlap with filling the
    /// first part instead of holding up the writer when that part is full.
    /// </summary>
    public void StartEarly()
    {
        if (File.ExpectedLength > PartSize && !_resumesObject)
        {
            StartUpload();
        }
    }

    /// <summary>
    /// What <see cref="CompleteAsync"/> left running: the PutObject of a small file, or the last parts of a
    /// multipart file. The commit waits for it.
    /// </summary>
    public Task? Pending { get; private set; }


    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var data = chunk.Data;
        if (chunk.Offset > Received)
        {
            throw new InvalidOperationException($"{File.Path}: write at offset {chunk.Offset} leaves a gap after the {Received} bytes written so far");
        }

        if (chunk.Offset < Received)
        {
            // A repeated write (the pipeline retried): keep only the bytes not yet accepted.
            var seen = Received - chunk.Offset;
            if (seen >= data.Length)
            {
                return;
            }

            data = data[(int)seen..];
        }

        Received += data.Length;
        while (!data.IsEmpty)
        {
            // A full part goes once bytes follow it, not when it fills: a file of exactly one part is still sent with
            // one PutObject (a multipart upload of one part costs an initiation and a completion more).
            if (_filled == PartSize)
            {
                DispatchPart();
            }

            _buffer ??= await _context.Buffers.RentAsync(PartSize, cancellationToken).ConfigureAwait(false);
            var n = Math.Min(PartSize - _filled, data.Length);
            data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            data = data[n..];
        }
    }

    public ValueTask CompleteAsync(CompletedFile completed, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        cancellationToken.ThrowIfCancellationRequested();

        // No second SHA-256 here: the pipeline hashed the very chunks it handed to WriteAsync, which copied each byte
        // once into a part buffer; hashing them again would only check that copy, at the cost of a pass over every
        // byte on the writer's path. The length is checked, which catches a lost or repeated write.
        if (completed.Length != Received)
        {
            throw new InvalidDataException(
                $"{File.Path}: the pipeline reports {completed.Length} bytes (SHA-256 {completed.Sha256}), but the sink received {Received} bytes");
        }

        var sha = completed.Sha256.ToLowerInvariant();
        if (_nextPart == 1)
        {
            StartSmallPut(sha);
            return ValueTask.CompletedTask;
        }

        if (_filled > 0)
        {
            DispatchPart();
        }

        if (_resumesObject && _upload is null && _copyLater.Count == _previous!.Parts.Count && Received == _previous.Length)
        {
            // Every part matched the object the interrupted run completed: it is already the right object.
            _copyLater.Clear();
            _context.CountSkippedFile();
            return ValueTask.CompletedTask;
        }

        // A file that matched the interrupted run's object so far but ends differently gets its new upload now.
        StartUpload();

        // The last parts finish and the object is completed in the background while the next file streams; the
        // commit waits for it, so the manifest still comes last.
        Pending = Task.Run(() => FinishPartsAsync(sha), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    private async Task FinishPartsAsync(string sha)
    {
        try
        {
            await Task.WhenAll(_inFlight).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed file aborts its multipart upload at once; the set fails at the next call.
            if (UploadId is { } uploadId)
            {
                await S3Cleanup.AbortUploadAsync(_context, Key, uploadId).ConfigureAwait(false);
            }

            ThrowIfFailed();
            throw;
        }

        var parts = new List<PartETag>(_nextPart - 1);
        for (var number = 1; number < _nextPart; number++)
        {
            parts.Add(new PartETag(number, _acknowledged[number]));
        }

        var last = _nextPart - 1;
        _context.Journal.Update(j =>
        {
            var entry = j.Files[File.Path];
            foreach (var extra in entry.Parts.Keys.Where(k => k > last).ToList())
            {
                entry.Parts.Remove(extra);
            }

            entry.Length = Received;
            entry.Sha256 = sha;
        });

        // Saved with every part before the completion: should the process die before the completed state is saved,
        // a resumed set finds the upload gone and recognises the object by the ETag these parts give (MultipartETag).
        await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
        var etag = await CompleteUploadAsync(parts).ConfigureAwait(false);
        _context.Journal.Update(j =>
        {
            var entry = j.Files[File.Path];
            entry.UploadId = null;
            entry.ETag = etag;
        });
        UploadId = null;
    }

    /// <summary>Completes the multipart upload; an earlier attempt that completed it but lost its answer counts when the object is the one these parts make.</summary>
    private async Task<string> CompleteUploadAsync(List<PartETag> parts)
    {
        var expected = MultipartETag.Of(parts.Select(p => p.ETag));
        try
        {
            await _context.Pipeline.ExecuteAsync(async ct =>
            {
                await _context.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _context.Bucket,
                    Key = Key,
                    UploadId = UploadId,
                    PartETags = parts,
                }, ct).ConfigureAwait(false);
            }, _context.BackgroundToken).ConfigureAwait(false);
            return expected;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // An earlier attempt (or, for a resumed upload, the interrupted run) completed it and the answer was lost:
            // the object must be the one these parts make.
            var head = await _context.Pipeline.ExecuteAsync(
                async ct => await _context.Client.GetObjectMetadataAsync(_context.Bucket, Key, ct).ConfigureAwait(false), _context.BackgroundToken).ConfigureAwait(false);
            return string.Equals(head.ETag?.Trim('"'), expected, StringComparison.OrdinalIgnoreCase)
                ? expected
                : throw new IOException($"{File.Path}: completing s3://{_context.Bucket}/{Key} reported no such upload, and the object there has ETag {head.ETag}, not {expected}", e);
        }
        catch (Exception e)
        {
            await S3Cleanup.AbortUploadAsync(_context, Key, UploadId!).ConfigureAwait(false);
            throw new IOException($"{File.Path}: completing s3://{_context.Bucket}/{Key} failed: {S3ErrorClassifier.Describe(e)}", e);
        }
    }

    /// <summary>Stops this file: waits for its parts in flight and aborts its multipart upload.</summary>
    public async ValueTask AbortAsync()
    {
        if (_buffer is not null)
        {
            _context.Buffers.Return(_buffer);
            _buffer = null;
        }

        try
        {
            await Task.WhenAll(_upload is null ? _inFlight : [.. _inFlight, _upload]).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failures are what brought us here.
        }

        if (UploadId is not null)
        {
            await S3Cleanup.AbortUploadAsync(_context, Key, UploadId).ConfigureAwait(false);
        }
    }

    /// <summary>Lets the parts in flight finish (and be journaled) without starting more: an interrupted set stays resumable.</summary>
    public async ValueTask DrainAsync()
    {
        if (_buffer is not null)
        {
            _context.Buffers.Return(_buffer);
            _buffer = null;
        }

        try
        {
            // The initiation too: once it finishes, its upload id is in the journal and a resumed set finds it.
            await Task.WhenAll(_upload is null ? _inFlight : [.. _inFlight, _upload]).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Interrupted anyway; a resumed set sends what was not acknowledged.
        }
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new IOException($"{File.Path}: upload to s3://{_context.Bucket}/{Key} failed: {S3ErrorClassifier.Describe(failure)}", failure);
        }
    }

    private void DispatchPart()
    {
        var buffer = _buffer!;
        var size = _filled;
        _buffer = null;
        _filled = 0;
        var number = _nextPart++;
        if (number > S3SinkOptions.S3MaximumPartCount)
        {
            _context.Buffers.Return(buffer);
            throw new InvalidDataException(
                $"{File.Path}: longer than {S3SinkOptions.S3MaximumPartCount} parts of {PartSize} bytes (announced {File.ExpectedLength} bytes, received {Received})");
        }

        if ((_resumesUpload || _resumesObject)
            && _previous!.Parts.TryGetValue(number, out var known) && known.Size == size && MatchesStoredPart(known, buffer.AsSpan(0, size)))
        {
            _context.Buffers.Return(buffer);
            _context.CountSkippedPart();
            if (_resumesUpload)
            {
                StartUpload();
                _acknowledged[number] = known.ETag;
            }
            else if (_upload is null)
            {
                _copyLater.Add(number);
            }
            else
            {
                StartCopy(_upload, number, known.Size);
            }

            return;
        }

        var upload = StartUpload();

        // The part waits for its upload in the background, holding its buffer: the writer goes on filling the next one.
        _inFlight.Add(Task.Run(() => UploadPartAsync(upload, buffer, size, number), CancellationToken.None));
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
    }

    /// <summary>
    /// Whether a part acknowledged by an interrupted run holds these bytes: its ETag, which S3 and S3-compatible
    /// stores (Swift included) make the MD5 of the part's bytes, equals their MD5. This check is done here, at resume
    /// time and only for the parts a journal lists, instead of recording a SHA-256 of every part at upload time, a
    /// pass over every byte of every backup for the benefit of the rare resumed one. MD5 is not collision-resistant
    /// against an adversary, but both sides are the same file at the same offset read twice, not attacker-chosen
    /// bytes. A store whose part ETags are not MD5s (e.g. AWS with SSE-KMS) never matches: such parts are sent again,
    /// which costs time but never correctness.
    /// </summary>
    private static bool MatchesStoredPart(JournalPart known, ReadOnlySpan<byte> bytes)
    {
        var etag = known.ETag.Trim('"');
        return etag.Length == 32 && string.Equals(etag, Convert.ToHexStringLower(MD5.HashData(bytes)), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file's multipart upload: the interrupted run's when its part size still fits, else one initiated in the background.</summary>
    private Task<string> StartUpload()
    {
        if (_upload is not null)
        {
            return _upload;
        }

        if (_previous?.UploadId is { } previousId && _previous.PartSize == PartSize)
        {
            UploadId = previousId;
            _upload = Task.FromResult(previousId);
        }
        else
        {
            _upload = Task.Run(InitiateAsync, CancellationToken.None);
        }

        foreach (var number in _copyLater)
        {
            StartCopy(_upload, number, _previous!.Parts[number].Size);
        }

        _copyLater.Clear();
        return _upload;
    }

    /// <summary>Part <paramref name="number"/> of the new upload is copied in the store from the object the interrupted run completed: its bytes are not sent again.</summary>
    private void StartCopy(Task<string> upload, int number, long size) =>
        _inFlight.Add(Task.Run(() => CopyPartAsync(upload, number, size), CancellationToken.None));

    private async Task CopyPartAsync(Task<string> upload, int number, long size)
    {
        try
        {
            var uploadId = await upload.ConfigureAwait(false);
            var first = (long)(number - 1) * PartSize;
            var etag = await _context.Pipeline.ExecuteAsync(async ct =>
            {
                var response = await _context.Client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _context.Bucket,
                    SourceKey = Key,
                    DestinationBucket = _context.Bucket,
                    DestinationKey = Key,
                    UploadId = uploadId,
                    PartNumber = number,
                    FirstByte = first,
                    LastByte = first + size - 1,
                }, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, _context.BackgroundToken).ConfigureAwait(false);
            _acknowledged[number] = etag;
            _context.Journal.Update(j => j.Files[File.Path].Parts[number] = new JournalPart(size, etag));
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            throw new IOException($"{File.Path}: copying part {number} of s3://{_context.Bucket}/{Key} within the store failed: {S3ErrorClassifier.Describe(e)}", e);
        }
    }

    private async Task<string> InitiateAsync()
    {
        if (_previous?.UploadId is { } staleId)
        {
            await S3Cleanup.AbortUploadAsync(_context, Key, staleId).ConfigureAwait(false);
        }

        var response = await _context.Pipeline.ExecuteAsync(async ct =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _context.Bucket, Key = Key, ContentType = "application/octet-stream" };
            request.Metadata.Add(S3Cleanup.SetMetadataName, _context.SetId);
            return await _context.Client.InitiateMultipartUploadAsync(request, ct).ConfigureAwait(false);
        }, _context.BackgroundToken).ConfigureAwait(false);
        var uploadId = response.UploadId;
        UploadId = uploadId;

        // Durable before any part is sent: a part the store acknowledges always belongs to an upload a resumed set can find.
        _context.Journal.Update(j => j.Files[File.Path] = new JournalFile { Key = Key, UploadId = uploadId, PartSize = PartSize });
        await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
        return uploadId;
    }

    private async Task UploadPartAsync(Task<string> upload, byte[] buffer, int size, int number)
    {
        try
        {
            var uploadId = await upload.ConfigureAwait(false);
            var md5 = _context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, size))) : null;
            var etag = await _context.Pipeline.ExecuteAsync(async ct =>
            {
                var response = await _context.Client.UploadPartAsync(new Requests.UploadPartRequest(_context.ExpectContinue)
                {
                    BucketName = _context.Bucket,
                    Key = Key,
                    UploadId = uploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, size, writable: false),
                    PartSize = size,
                    MD5Digest = md5,
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, _context.BackgroundToken).ConfigureAwait(false);
            _acknowledged[number] = etag;
            _context.CountPart(size);
            // Recorded now, saved with the file's completion: a part acknowledged but not yet saved is found
            // again on resume through ListParts.
            _context.Journal.Update(j => j.Files[File.Path].Parts[number] = new JournalPart(size, etag));
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            throw new IOException($"{File.Path}: part {number} of s3://{_context.Bucket}/{Key} failed: {S3ErrorClassifier.Describe(e)}", e);
        }
        finally
        {
            _context.Buffers.Return(buffer);
        }
    }

    private void StartSmallPut(string sha)
    {
        var buffer = _buffer;
        var size = _filled;
        _buffer = null;
        _filled = 0;
        if (_previous is { UploadId: null, ETag: not null, Parts.Count: 0 } known && known.Length == size && known.Sha256 == sha)
        {
            if (buffer is not null)
            {
                _context.Buffers.Return(buffer);
            }

            _context.CountSkippedFile();
            if (_upload is not null)
            {
                Pending = Task.Run(DropUnneededUploadAsync, CancellationToken.None);
            }

            return;
        }

        Pending = Task.Run(() => PutAsync(buffer, size, sha), CancellationToken.None);
    }

    private async Task PutAsync(byte[]? buffer, int size, string sha)
    {
        try
        {
            await DropUnneededUploadAsync().ConfigureAwait(false);

            var bytes = buffer ?? [];
            var md5 = _context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(bytes.AsSpan(0, size))) : null;
            var etag = await _context.Pipeline.ExecuteAsync(async ct =>
            {
                var request = new Requests.PutObjectRequest(_context.ExpectContinue)
                {
                    BucketName = _context.Bucket,
                    Key = Key,
                    InputStream = new MemoryStream(bytes, 0, size, writable: false),
                    MD5Digest = md5,
                    UseChunkEncoding = false,
                    ContentType = "application/octet-stream",
                };
                request.Metadata.Add(S3Cleanup.SetMetadataName, _context.SetId);
                var response = await _context.Client.PutObjectAsync(request, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, _context.BackgroundToken).ConfigureAwait(false);
            _context.CountPut(size);
            _context.Journal.Update(j => j.Files[File.Path] = new JournalFile { Key = Key, Length = size, Sha256 = sha, ETag = etag });
            await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new IOException($"{File.Path}: upload to s3://{_context.Bucket}/{Key} failed: {S3ErrorClassifier.Describe(e)}", e);
        }
        finally
        {
            if (buffer is not null)
            {
                _context.Buffers.Return(buffer);
            }
        }
    }

    /// <summary>
    /// A file announced larger than one part that turned out to fit in one is sent with PutObject: the multipart
    /// upload started for it (or left by an interrupted run) is aborted.
    /// </summary>
    private async Task DropUnneededUploadAsync()
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

        uploadId ??= _previous?.UploadId;
        if (uploadId is not null)
        {
            await S3Cleanup.AbortUploadAsync(_context, Key, uploadId).ConfigureAwait(false);
        }

        UploadId = null;
    }
}
