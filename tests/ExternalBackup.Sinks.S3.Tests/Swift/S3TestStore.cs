using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>A fresh bucket on the test Swift, a client for checking what the sink left there, and sink options.</summary>
internal sealed class S3TestStore : IAsyncDisposable
{
    private S3TestStore(AmazonS3Client client, string bucket)
    {
        Client = client;
        Bucket = bucket;
    }

    public AmazonS3Client Client { get; }

    public string Bucket { get; }

    public static async Task<S3TestStore> CreateAsync()
    {
        SwiftServer.Require();
        var bucket = $"eb-{Guid.NewGuid():N}"[..20];
        var client = S3ClientFactory.Create(Options(bucket, SwiftServer.Endpoint));
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return new S3TestStore(client, bucket);
    }

    public static S3SinkOptions Options(string bucket, Uri endpoint, string prefix = "backups") => new()
    {
        Bucket = bucket,
        Prefix = prefix,
        ServiceUrl = endpoint,
        Region = SwiftServer.Region,
        AccessKey = SwiftServer.AccessKey,
        SecretKey = SwiftServer.SecretKey,
        MinimumPartSize = S3SinkOptions.S3MinimumPartSize,
        MaxConcurrentUploads = 3,
        Retry = new SinkResilienceOptions
        {
            BaseDelay = TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromSeconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(4),
            TotalBudget = TimeSpan.FromSeconds(60),
        },
    };

    public S3SinkOptions SinkOptions(Uri? endpoint = null, string prefix = "backups") => Options(Bucket, endpoint ?? SwiftServer.Endpoint, prefix);

    public async Task<byte[]> ReadAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task<string> ETagAsync(string key) => (await Client.GetObjectMetadataAsync(Bucket, key)).ETag.Trim('"');

    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    public async Task<List<MultipartUpload>> OpenUploadsAsync(string prefix) =>
        (await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix })).MultipartUploads ?? [];

    public async ValueTask DisposeAsync()
    {
        foreach (var upload in await OpenUploadsAsync(""))
        {
            await Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = upload.Key, UploadId = upload.UploadId });
        }

        foreach (var key in await KeysAsync(""))
        {
            await Client.DeleteObjectAsync(Bucket, key);
        }

        try
        {
            await Client.DeleteBucketAsync(Bucket);
        }
        catch (AmazonS3Exception)
        {
            // Swift may still list segments for a moment; the bucket dies with the server.
        }

        Client.Dispose();
    }
}
