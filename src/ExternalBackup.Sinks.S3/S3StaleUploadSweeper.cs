using Amazon.S3;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Aborts multipart uploads an interrupted set left behind. The sink owns an upload when its key lies inside a
/// set folder under the sink's prefix (<c>&lt;prefix&gt;/&lt;setId&gt;/…</c>, the key convention of
/// <see cref="S3ObjectLayout"/>); uploads elsewhere in the bucket are never touched.
/// </summary>
internal static class S3StaleUploadSweeper
{
    /// <summary>
    /// Aborts the owned uploads started before <paramref name="startedBefore"/>, except those in
    /// <paramref name="keep"/> (the uploads of a set being resumed). Returns how many were aborted.
    /// </summary>
    public static async ValueTask<int> SweepAsync(
        IAmazonS3 client, ResiliencePipeline pipeline, string bucket, S3ObjectLayout layout,
        DateTimeOffset startedBefore, IReadOnlySet<string> keep, ILogger logger, CancellationToken cancellationToken)
    {
        var aborted = 0;
        foreach (var upload in await S3Cleanup.ListUploadsAsync(client, pipeline, bucket, layout.Root, cancellationToken).ConfigureAwait(false))
        {
            if (layout.SetIdOf(upload.Key) is null || keep.Contains(upload.UploadId))
            {
                continue;
            }

            var initiated = upload.Initiated is { } i
                ? new DateTimeOffset(i.Kind == DateTimeKind.Local ? i.ToUniversalTime() : DateTime.SpecifyKind(i, DateTimeKind.Utc))
                : (DateTimeOffset?)null;
            if (initiated is null || initiated < startedBefore)
            {
                S3SinkLog.AbortingStale(logger, bucket, upload.Key, upload.Initiated);
                if (await S3Cleanup.AbortUploadAsync(client, pipeline, bucket, upload.Key, upload.UploadId, logger).ConfigureAwait(false))
                {
                    aborted++;
                }
            }
        }

        return aborted;
    }
}
