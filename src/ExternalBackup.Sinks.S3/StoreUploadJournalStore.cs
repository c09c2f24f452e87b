using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>A journal kept as one object in the store, beside the set it describes.</summary>
internal sealed class StoreUploadJournalStore(IAmazonS3 client, ResiliencePipeline pipeline, string bucket, string key) : IUploadJournalStore
{
    public string Location => $"s3://{bucket}/{key}";

    public async ValueTask<UploadJournal?> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await pipeline.ExecuteAsync(async ct =>
            {
                using var response = await client.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                return buffer.ToArray();
            }, cancellationToken).ConfigureAwait(false);
            return UploadJournal.Deserialize(bytes, Location);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask SaveAsync(byte[] document, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(async ct =>
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(document, writable: false),
                UseChunkEncoding = false,
                ContentType = "application/json",
            }, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask DeleteAsync(CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(async ct =>
        {
            await client.DeleteObjectAsync(bucket, key, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
}
