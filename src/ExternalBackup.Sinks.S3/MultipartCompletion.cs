using Amazon.S3;
using Amazon.S3.Model;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Completing a multipart upload, recognising by its ETag (<see cref="MultipartETag"/>) the object an earlier attempt
/// completed when its answer was lost.
/// </summary>
internal static class MultipartCompletion
{
    /// <summary>Completes multipart upload <paramref name="uploadId"/> of <paramref name="key"/> with <paramref name="parts"/>; an earlier attempt that completed it but lost its answer counts when the object is the one these parts make.</summary>
    public static async Task<string> CompleteAsync(S3UploadContext context, string path, string key, string? uploadId, List<PartETag> parts)
    {
        var expected = MultipartETag.Of(parts.Select(p => p.ETag));
        try
        {
            await context.Pipeline.ExecuteAsync(async ct =>
            {
                await context.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = context.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartETags = parts,
                }, ct).ConfigureAwait(false);
            }, context.BackgroundToken).ConfigureAwait(false);
            return expected;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // An earlier attempt (or, for a resumed upload, the interrupted run) completed it and the answer was lost:
            // the object must be the one these parts make.
            GetObjectMetadataResponse head;
            try
            {
                head = await context.Pipeline.ExecuteAsync(
                    async ct => await context.Client.GetObjectMetadataAsync(context.Bucket, key, ct).ConfigureAwait(false), context.BackgroundToken).ConfigureAwait(false);
            }
            catch (Exception headFailure) when (headFailure is not OperationCanceledException)
            {
                throw new IOException($"{path}: completing s3://{context.Bucket}/{key} reported no such upload, and the object there could not be read: {S3ErrorClassifier.Describe(headFailure)}", headFailure);
            }

            return string.Equals(head.ETag?.Trim('"'), expected, StringComparison.OrdinalIgnoreCase)
                ? expected
                : throw new IOException($"{path}: completing s3://{context.Bucket}/{key} reported no such upload, and the object there has ETag {head.ETag}, not {expected}", e);
        }
        catch (Exception e)
        {
            await S3Cleanup.AbortUploadAsync(context, key, uploadId!).ConfigureAwait(false);
            throw new IOException($"{path}: completing s3://{context.Bucket}/{key} failed: {S3ErrorClassifier.Describe(e)}", e);
        }
    }
}
