using Amazon.S3;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>What the uploads of one set share: the client, the retry pipeline, the buffers, the journal and the counters.</summary>
internal sealed class S3UploadContext(
    IAmazonS3 client,
    ResiliencePipeline pipeline,
    string bucket,
    string setId,
    int minimumPartSize,
    bool sendContentMd5,
    bool expectContinue,
    PartBufferPool buffers,
    JournalWriter journal,
    ILogger logger,
    CancellationToken backgroundToken)
{
    private long _partsUploaded;
    private long _partsSkipped;
    private long _objectsPut;
    private long _filesSkipped;
    private long _bytesUploaded;

    public IAmazonS3 Client => client;

    public ResiliencePipeline Pipeline => pipeline;

    public string Bucket => bucket;

    public string SetId => setId;

    public int MinimumPartSize => minimumPartSize;

    public bool SendContentMd5 => sendContentMd5;

    public bool ExpectContinue => expectContinue;

    public PartBufferPool Buffers => buffers;

    public JournalWriter Journal => journal;

    public ILogger Logger => logger;

    /// <summary>Cancelled when the set is aborted; background uploads run under it.</summary>
    public CancellationToken BackgroundToken => backgroundToken;

    public void CountPart(long bytes)
    {
        Interlocked.Increment(ref _partsUploaded);
        Interlocked.Add(ref _bytesUploaded, bytes);
    }

    public void CountPut(long bytes)
    {
        Interlocked.Increment(ref _objectsPut);
        Interlocked.Add(ref _bytesUploaded, bytes);
    }

    public void CountSkippedPart() => Interlocked.Increment(ref _partsSkipped);

    public void CountSkippedFile() => Interlocked.Increment(ref _filesSkipped);

    public S3SinkStatistics Snapshot() => new(
        Interlocked.Read(ref _partsUploaded), Interlocked.Read(ref _partsSkipped), Interlocked.Read(ref _objectsPut),
        Interlocked.Read(ref _filesSkipped), Interlocked.Read(ref _bytesUploaded), buffers.AllocatedBytes);
}
