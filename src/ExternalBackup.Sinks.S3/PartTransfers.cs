using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3.Model;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The parts of one file's multipart upload: each sent (UploadPart) or copied within the store (UploadPartCopy) in
/// the background, the ETags acknowledged, reused or copied so far, and the first failure among them.
/// </summary>
internal sealed class PartTransfers(S3UploadContext context, string path, string key, int partSize)
{
    private readonly ConcurrentDictionary<int, string> _acknowledged = new();
    private readonly List<Task> _inFlight = [];
    private IOException? _failure;

    /// <summary>Throws when a part has failed: the file cannot be completed. The error names the file and the part.</summary>
    public void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new IOException(failure.Message, failure.InnerException);
        }
    }

    /// <summary>Part <paramref name="number"/> is already in the upload with <paramref name="etag"/>.</summary>
    public void Acknowledge(int number, string etag) => _acknowledged[number] = etag;

    /// <summary>Sends part <paramref name="number"/> once <paramref name="upload"/> is there; the buffer goes back to the pool after.</summary>
    public void Send(Task<string> upload, byte[] buffer, int size, int number)
    {
        // The part waits for its upload in the background, holding its buffer: the writer goes on filling the next one.
        _inFlight.Add(Task.Run(() => UploadPartAsync(upload, buffer, size, number), CancellationToken.None));
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
    }

    /// <summary>Part <paramref name="number"/> of the new upload is copied in the store from the object the interrupted run completed: its bytes are not sent again.</summary>
    public void Copy(Task<string> upload, int number, long size) =>
        _inFlight.Add(Task.Run(() => CopyPartAsync(upload, number, size), CancellationToken.None));

    /// <summary>Every part in flight, and <paramref name="also"/> when given; fails as the first of them fails.</summary>
    public Task WhenAll(Task? also = null) => Task.WhenAll(also is null ? _inFlight : [.. _inFlight, also]);

    /// <summary>The acknowledged ETags of parts 1 to <paramref name="count"/>, for the completion.</summary>
    public List<PartETag> PartETags(int count)
    {
        var parts = new List<PartETag>(count);
        for (var number = 1; number <= count; number++)
        {
            parts.Add(new PartETag(number, _acknowledged[number]));
        }

        return parts;
    }

    private async Task CopyPartAsync(Task<string> upload, int number, long size)
    {
        try
        {
            var uploadId = await upload.ConfigureAwait(false);
            var first = (long)(number - 1) * partSize;
            var etag = await context.Pipeline.ExecuteAsync(async ct =>
            {
                var response = await context.Client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = context.Bucket,
                    SourceKey = key,
                    DestinationBucket = context.Bucket,
                    DestinationKey = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    FirstByte = first,
                    LastByte = first + size - 1,
                }, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, context.BackgroundToken).ConfigureAwait(false);
            _acknowledged[number] = etag;
            context.Journal.Update(j => j.Files[path].Parts[number] = new JournalPart(size, etag));
        }
        catch (Exception e)
        {
            throw Fail(new IOException($"{path}: copying part {number} of s3://{context.Bucket}/{key} within the store failed: {S3ErrorClassifier.Describe(e)}", e));
        }
    }

    private async Task UploadPartAsync(Task<string> upload, byte[] buffer, int size, int number)
    {
        try
        {
            var uploadId = await upload.ConfigureAwait(false);
            var md5 = context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, size))) : null;
            var etag = await context.Pipeline.ExecuteAsync(async ct =>
            {
                var response = await context.Client.UploadPartAsync(new Requests.UploadPartRequest(context.ExpectContinue)
                {
                    BucketName = context.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, size, writable: false),
                    PartSize = size,
                    MD5Digest = md5,
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, context.BackgroundToken).ConfigureAwait(false);
            _acknowledged[number] = etag;
            context.CountPart(size);
            // Recorded now, saved with the file's completion: a part acknowledged but not yet saved is found
            // again on resume through ListParts.
            context.Journal.Update(j => j.Files[path].Parts[number] = new JournalPart(size, etag));
        }
        catch (Exception e)
        {
            throw Fail(new IOException($"{path}: part {number} of s3://{context.Bucket}/{key} failed: {S3ErrorClassifier.Describe(e)}", e));
        }
        finally
        {
            context.Buffers.Return(buffer);
        }
    }

    /// <summary>Keeps the first failure, which later calls on the file report.</summary>
    private IOException Fail(IOException failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        return failure;
    }
}
