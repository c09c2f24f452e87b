using System.Security.Cryptography;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The single PutObject of a file that fits in one part, sent in the background when the file completes; skipped
/// when the interrupted run already put the same bytes. A multipart upload started for the file, announced larger
/// than it turned out, is dropped first.
/// </summary>
internal sealed class SmallFilePut(S3UploadContext context, string path, string key, InterruptedUpload interrupted, S3MultipartUpload multipart)
{
    /// <summary>
    /// Starts sending the first <paramref name="size"/> bytes of <paramref name="buffer"/> (a buffer of the pool it
    /// now owns; none for an empty file); returns what is left running, which the commit waits for.
    /// </summary>
    public Task? Start(byte[]? buffer, int size, string sha)
    {
        if (interrupted.MatchesSmallFile(size, sha))
        {
            if (buffer is not null)
            {
                context.Buffers.Return(buffer);
            }

            context.CountSkippedFile();
            return multipart.IsStarted ? Task.Run(DropAndKeepRecordAsync, CancellationToken.None) : null;
        }

        return Task.Run(() => PutAsync(buffer, size, sha), CancellationToken.None);
    }

    /// <summary>
    /// The upload started early for a file announced larger than it was is dropped; its initiation replaced the
    /// file's journal entry, so the record of the object the interrupted run put is saved again, or a set
    /// interrupted once more would send the file a second time.
    /// </summary>
    private async Task DropAndKeepRecordAsync()
    {
        try
        {
            await multipart.DropAsync().ConfigureAwait(false);
            if (interrupted.Entry is { } record)
            {
                context.Journal.Update(j => j.Files[path] = record);
                await context.Journal.FlushAsync(context.BackgroundToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            throw new IOException($"{path}: keeping the record of s3://{context.Bucket}/{key} in the resume journal failed: {S3ErrorClassifier.Describe(e)}", e);
        }
    }

    private async Task PutAsync(byte[]? buffer, int size, string sha)
    {
        try
        {
            await multipart.DropAsync().ConfigureAwait(false);

            var bytes = buffer ?? [];
            var md5 = context.SendContentMd5 ? Convert.ToBase64String(MD5.HashData(bytes.AsSpan(0, size))) : null;
            var etag = await context.Pipeline.ExecuteAsync(async ct =>
            {
                var request = new Requests.PutObjectRequest(context.ExpectContinue)
                {
                    BucketName = context.Bucket,
                    Key = key,
                    InputStream = new MemoryStream(bytes, 0, size, writable: false),
                    MD5Digest = md5,
                    UseChunkEncoding = false,
                    ContentType = "application/octet-stream",
                };
                request.Metadata.Add(S3Cleanup.SetMetadataName, context.SetId);
                var response = await context.Client.PutObjectAsync(request, ct).ConfigureAwait(false);
                return string.IsNullOrEmpty(response.ETag) ? throw new IOException("the store's answer has no ETag") : response.ETag;
            }, context.BackgroundToken).ConfigureAwait(false);
            context.CountPut(size);
            context.Journal.Update(j => j.Files[path] = new JournalFile { Key = key, Length = size, Sha256 = sha, ETag = etag });
            await context.Journal.FlushAsync(context.BackgroundToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new IOException($"{path}: upload to s3://{context.Bucket}/{key} failed: {S3ErrorClassifier.Describe(e)}", e);
        }
        finally
        {
            if (buffer is not null)
            {
                context.Buffers.Return(buffer);
            }
        }
    }
}
