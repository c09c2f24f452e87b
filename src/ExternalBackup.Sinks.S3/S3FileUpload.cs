using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3.Model;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// One file of a set on its way to the store. Bytes are cut into parts of a fixed size; each full part is
/// uploaded in the background (at most as many as the buffer pool holds), and a file that fits in one part is sent
/// with a single PutObject when it completes. Parts a resumed set's journal already shows acknowledged with the
/// same size and SHA-256 are not sent again.
/// </summary>
internal sealed class S3FileUpload
{
    private readonly S3UploadContext _context;
    private readonly JournalFile? _previous;
    private readonly IncrementalHash _fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ConcurrentDictionary<int, string> _acknowledged = new();
    private readonly List<Task> _inFlight = [];
    private byte[]? _buffer;
    private int _filled;
    private int _nextPart = 1;
    private Exception? _failure;

    public S3FileUpload(S3UploadContext context, BackupFileDescriptor file, string key, JournalFile? previous)
    {
        _context = context;
        File = file;
        Key = key;
        PartSize = PartSizing.ForLength(file.ExpectedLength, context.MinimumPartSize);
        _previous = previous is not null && previous.Key == key ? previous : null;
    }

    public BackupFileDescriptor File { get; }

    public string Key { get; }

    public int PartSize { get; }

    /// <summary>Bytes accepted so far.</summary>
    public long Received { get; private set; }

    /// <summary>The multipart upload, once started.</summary>
    public string? UploadId { get; private set; }

    /// <summary>
    /// What <see cref="CompleteAsync"/> left running: the PutObject of a small file, or the last parts of a
    /// multipart file. The commit waits for it.
    /// </summary>
    public Task? Pending { get; private set; }

    /// <summary>The acknowledged parts in order, once <see cref="Pending"/> of a multipart file has finished.</summary>
    public IReadOnlyList<PartETag> Parts { get; private set; } = [];

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

        _fileHash.AppendData(data.Span);
        Received += data.Length;
        while (!data.IsEmpty)
        {
            _buffer ??= await _context.Buffers.RentAsync(PartSize, cancellationToken).ConfigureAwait(false);
            var n = Math.Min(PartSize - _filled, data.Length);
            data.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            data = data[n..];
            if (_filled == PartSize)
            {
                await DispatchPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask CompleteAsync(CompletedFile completed, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var sha = Convert.ToHexStringLower(_fileHash.GetHashAndReset());
        if (completed.Length != Received || !string.Equals(completed.Sha256, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{File.Path}: the pipeline reports {completed.Length} bytes with SHA-256 {completed.Sha256}, but the sink received {Received} bytes with SHA-256 {sha}");
        }

        if (UploadId is null && _nextPart == 1)
        {
            StartSmallPut(sha);
            return;
        }

        if (_filled > 0)
        {
            await DispatchPartAsync(cancellationToken).ConfigureAwait(false);
        }

        // The last parts finish in the background while the next file streams; the commit waits for them.
        Pending = Task.Run(() => FinishPartsAsync(sha), CancellationToken.None);
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
            await S3Cleanup.AbortUploadAsync(_context, Key, UploadId!).ConfigureAwait(false);
            ThrowIfFailed();
            throw;
        }

        var parts = new List<PartETag>(_nextPart - 1);
        for (var number = 1; number < _nextPart; number++)
        {
            parts.Add(new PartETag(number, _acknowledged[number]));
        }

        Parts = parts;
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
        await _context.Journal.FlushAsync(_context.BackgroundToken).ConfigureAwait(false);
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
            await Task.WhenAll(_inFlight).ConfigureAwait(false);
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
            await Task.WhenAll(_inFlight).ConfigureAwait(false);
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

    private async ValueTask DispatchPartAsync(CancellationToken cancellationToken)
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

        if (_previous?.UploadId is not null && _previous.PartSize == PartSize
            && _previous.Parts.TryGetValue(number, out var known) && known.Size == size && Matches(known, buffer.AsSpan(0, size)))
        {
            if (known.Sha256 is null)
            {
                var recovered = known with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, size))) };
                _context.Journal.Update(j => j.Files[File.Path].Parts[number] = recovered);
            }

            _acknowledged[number] = known.ETag;
            _context.Buffers.Return(buffer);
            _context.CountSkippedPart();
            await EnsureUploadAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await EnsureUploadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _context.Buffers.Return(buffer);
            throw;
        }

        _inFlight.Add(Task.Run(() => UploadPartAsync(buffer, size, number), CancellationToken.None));
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
    }

    private static bool Matches(JournalPart known, ReadOnlySpan<byte> bytes) =>
        known.Sha256 is { } sha
            ? sha == Convert.ToHexStringLower(SHA256.HashData(bytes))
            : string.Equals(known.ETag.Trim('"'), Convert.ToHexStringLower(MD5.HashData(bytes)), StringComparison.OrdinalIgnoreCase);

    private async ValueTask EnsureUploadAsync(CancellationToken cancellationToken)
    {
        if (UploadId is not null)
        {
            return;
        }

        if (_previous?.UploadId is { } previousId && _previous.PartSize == PartSize)
        {
            UploadId = previousId;
            return;
        }

        if (_previous?.UploadId is { } staleId)
        {
            await S3Cleanup.AbortUploadAsync(_context, Key, staleId).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _context.BackgroundToken);
        var response = await _context.Pipeline.ExecuteAsync(async ct =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = _context.Bucket, Key = Key, ContentType = "application/octet-stream" };
            request.Metadata.Add(S3Cleanup.SetMetadataName, _context.SetId);
            return await _context.Client.InitiateMultipartUploadAsync(request, ct).ConfigureAwait(false);
        }, linked.Token).ConfigureAwait(false);
        UploadId = response.UploadId;
        var uploadId = UploadId;
        _context.Journal.Update(j => j.Files[File.Path] = new JournalFile { Key = Key, UploadId = uploadId, PartSize = PartSize });
        await _context.Journal.FlushAsync(linked.Token).ConfigureAwait(false);
    }

    private async Task UploadPartAsync(byte[] buffer, int size, int number)
    {
        try
        {
            // Hashed here, off the writer's path: the journal needs it only once the part is acknowledged.
            var sha = Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, size)));
            var md5 = _context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, size))) : null;
            var etag = await _context.Pipeline.ExecuteAsync(async ct =>
            {
                var response = await _context.Client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _context.Bucket,
                    Key = Key,
                    UploadId = UploadId,
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
            _context.Journal.Update(j => j.Files[File.Path].Parts[number] = new JournalPart(size, sha, etag));
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
        if (_previous is { UploadId: null, ETag: not null } known && known.Length == size && known.Sha256 == sha)
        {
            if (buffer is not null)
            {
                _context.Buffers.Return(buffer);
            }

            _context.CountSkippedFile();
            return;
        }

        Pending = Task.Run(() => PutAsync(buffer, size, sha), CancellationToken.None);
    }

    private async Task PutAsync(byte[]? buffer, int size, string sha)
    {
        try
        {
            if (_previous?.UploadId is { } earlierUpload)
            {
                await S3Cleanup.AbortUploadAsync(_context, Key, earlierUpload).ConfigureAwait(false);
            }

            var bytes = buffer ?? [];
            var md5 = _context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(bytes.AsSpan(0, size))) : null;
            var etag = await _context.Pipeline.ExecuteAsync(async ct =>
            {
                var request = new PutObjectRequest
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
}
