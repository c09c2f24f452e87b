using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>Removing what an aborted or stale set left behind: multipart uploads and objects.</summary>
internal static class S3Cleanup
{
    /// <summary>User metadata naming the set an object or upload belongs to (<c>x-amz-meta-externalbackup-set</c>).</summary>
    public const string SetMetadataName = "externalbackup-set";

    /// <summary>Aborts one multipart upload; a missing upload counts as aborted; other failures are logged.</summary>
    public static async ValueTask<bool> AbortUploadAsync(S3UploadContext context, string key, string uploadId) =>
        await AbortUploadAsync(context.Client, context.Pipeline, context.Bucket, key, uploadId, context.Logger).ConfigureAwait(false);

    public static async ValueTask<bool> AbortUploadAsync(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string key, string uploadId, ILogger logger)
    {
        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, ct).ConfigureAwait(false);
            }, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "NoSuchUpload")
        {
            return true;
        }
        catch (Exception e)
        {
            S3SinkLog.CleanupFailed(logger, bucket, key, e.Message);
            return false;
        }
    }

    /// <summary>Every unfinished multipart upload whose key starts with <paramref name="prefix"/>.</summary>
    public static async ValueTask<List<MultipartUpload>> ListUploadsAsync(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var uploads = new List<MultipartUpload>();
        string? keyMarker = null;
        string? uploadIdMarker = null;
        while (true)
        {
            var page = await pipeline.ExecuteAsync(async ct => await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = bucket,
                Prefix = prefix,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            uploads.AddRange(page.MultipartUploads ?? []);
            if (page.IsTruncated != true || (page.NextKeyMarker is null && page.NextUploadIdMarker is null))
            {
                return uploads;
            }

            keyMarker = page.NextKeyMarker;
            uploadIdMarker = page.NextUploadIdMarker;
        }
    }

    /// <summary>Every object key starting with <paramref name="prefix"/>.</summary>
    public static async ValueTask<List<S3Object>> ListObjectsAsync(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await pipeline.ExecuteAsync(async ct => await client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = prefix,
                ContinuationToken = token,
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            objects.AddRange(page.S3Objects ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return objects;
    }

    /// <summary>Aborts every upload and deletes every object under <paramref name="prefix"/>; returns whether all went.</summary>
    public static async ValueTask<bool> RemoveAllUnderAsync(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string prefix, ILogger logger, CancellationToken cancellationToken)
    {
        var clean = true;
        foreach (var upload in await ListUploadsAsync(client, pipeline, bucket, prefix, cancellationToken).ConfigureAwait(false))
        {
            clean &= await AbortUploadAsync(client, pipeline, bucket, upload.Key, upload.UploadId, logger).ConfigureAwait(false);
        }

        foreach (var item in await ListObjectsAsync(client, pipeline, bucket, prefix, cancellationToken).ConfigureAwait(false))
        {
            clean &= await DeleteAsync(client, pipeline, bucket, item.Key, logger).ConfigureAwait(false);
        }

        return clean;
    }

    /// <summary>Deletes one object (one request per object: some S3-compatible stores reject multi-delete without Content-MD5).</summary>
    public static async ValueTask<bool> DeleteAsync(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string key, ILogger logger)
    {
        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                await client.DeleteObjectAsync(bucket, key, ct).ConfigureAwait(false);
            }, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
        catch (Exception e)
        {
            S3SinkLog.CleanupFailed(logger, bucket, key, e.Message);
            return false;
        }
    }
}
