using Amazon.S3.Model;
using ExternalBackup.Retention;
using ExternalBackup.Tests.Repository;
using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>forget on the real Swift: unfinished multipart uploads older than the stale age go with it, younger ones (a running backup's) stay.</summary>
[TestFixture]
public sealed class S3RepositoryRemovalTests
{
    [Test]
    public async Task Forget_aborts_stale_multipart_uploads_and_leaves_a_running_backups_uploads()
    {
        await using var store = await S3TestStore.CreateAsync();
        foreach (var set in BackupRepositoryContract.Sets)
        {
            await using var sink = new S3Sink(store.SinkOptions());
            await set.WriteAsync(sink);
        }

        var upload = await store.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store.Bucket, Key = "backups/s9-killed/logs/edb00009.log" });
        var options = store.SinkOptions();

        // Now: the upload is younger than StaleUploadAge (a backup may be writing it), so it stays.
        await using (var now = new S3Repository(options))
        {
            var result = await Forget.RunAsync(now, now, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None);
            Assert.That(result.Swept, Is.Empty);
            Assert.That(result.Removed, Is.Empty, "the differential's chain needs every set");
        }

        Assert.That((await store.Client.ListMultipartUploadsAsync(store.Bucket)).MultipartUploads.Select(u => u.UploadId), Does.Contain(upload.UploadId));

        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + options.StaleUploadAge + TimeSpan.FromHours(1));
        await using (var repository = new S3Repository(options, timeProvider: later))
        {
            var result = await Forget.RunAsync(repository, repository, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None);
            Assert.That(result.Swept, Has.Some.Contains("aborted 1 unfinished multipart upload"));
            Assert.That((await repository.ListSetsAsync(CancellationToken.None)).Select(s => s.Name), Is.EqualTo(new[] { "s1-full", "s2-incremental", "s3-differential" }));
        }

        Assert.That((await store.Client.ListMultipartUploadsAsync(store.Bucket)).MultipartUploads ?? [], Is.Empty);
    }
}
