using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Where and how an <see cref="S3Sink"/> writes. Objects are laid out as <c>&lt;Prefix&gt;/&lt;setId&gt;/&lt;path&gt;</c>
/// with <c>&lt;Prefix&gt;/&lt;setId&gt;/manifest.json</c> written last.
/// </summary>
public sealed record S3SinkOptions
{
    /// <summary>The smallest part S3 accepts for any part but the last: 5 MiB.</summary>
    public const int S3MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>The most parts one multipart upload may have: 10,000.</summary>
    public const int S3MaximumPartCount = 10_000;

    /// <summary>
    /// The default of <see cref="ConnectTimeout"/>: 10 s. A TCP connection to a store is made in milliseconds; one
    /// that takes ten seconds goes to an address where nothing answers (a firewall that drops, a wrong host), and
    /// each attempt should fail then rather than after the whole <see cref="SinkResilienceOptions.AttemptTimeout"/>
    /// (2 minutes, sized for sending a part, not for connecting).
    /// </summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long making one connection may take; at most the retry's attempt timeout. Default <see cref="DefaultConnectTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>The bucket. Required; it must exist.</summary>
    public required string Bucket { get; init; }

    /// <summary>The key prefix the sets go under, without leading or trailing '/'. Default: empty (sets at the bucket root).</summary>
    public string Prefix { get; init; } = "";

    /// <summary>
    /// The endpoint of an S3-compatible store (e.g. <c>http://127.0.0.1:8080</c>). Default: <see langword="null"/>,
    /// meaning AWS S3 in <see cref="Region"/>.
    /// </summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The region used for signing. Default: <c>us-east-1</c>.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// The access key. Default: <see langword="null"/>, meaning the SDK's usual credential sources (environment,
    /// profile, instance role). Never logged.
    /// </summary>
    public string? AccessKey { get; init; }

    /// <summary>The secret key that goes with <see cref="AccessKey"/>. Never logged.</summary>
    public string? SecretKey { get; init; }

    /// <summary>
    /// Path-style addressing (<c>endpoint/bucket/key</c>) instead of virtual-host style. Default: <see langword="true"/>,
    /// which every S3-compatible store understands.
    /// </summary>
    public bool ForcePathStyle { get; init; } = true;

    /// <summary>
    /// Whether request checksums are sent and response checksums checked only when an operation requires them
    /// (<c>WHEN_REQUIRED</c>) instead of always (<c>WHEN_SUPPORTED</c>). Default: <see langword="true"/>, which
    /// S3-compatible stores without aws-chunked trailers (OpenStack Swift, older MinIO, Ceph) need.
    /// Chunked (aws-chunked) payload encoding is always off.
    /// </summary>
    public bool ChecksumsOnlyWhenRequired { get; init; } = true;

    /// <summary>
    /// The smallest part of a multipart upload, and the size up to which a file is sent with one PutObject.
    /// A file larger than <c>MinimumPartSize × 10,000</c> gets larger parts (rounded up to 1 MiB) so that it never
    /// needs more than 10,000. Default: 16 MiB; at least <see cref="S3MinimumPartSize"/>. Every part is a request
    /// with its own cost in the store: on OpenStack Swift, 64 MiB files sent as 16 MiB parts took about 13% less
    /// server CPU than as 8 MiB parts (ebbench s3), and files up to 16 MiB (log files) go up as one PutObject each.
    /// Memory is bounded by <c>(MaxConcurrentUploads + 1) × part size</c>: 80 MiB with the defaults.
    /// </summary>
    public int MinimumPartSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most part uploads (or small-file PutObjects) in flight at once. Memory is bounded by
    /// <c>(MaxConcurrentUploads + 1) × part size</c>: one buffer filling and the rest in flight. Default: 4.
    /// </summary>
    public int MaxConcurrentUploads { get; init; } = 4;

    /// <summary>
    /// Whether each part and object carries a <c>Content-MD5</c> header for the store to check. Default:
    /// <see langword="false"/>: the SigV4 signature already carries the payload's SHA-256 (which AWS S3 checks),
    /// and the MD5 costs a further pass over every byte. Turn it on for stores that ignore the payload hash.
    /// </summary>
    public bool SendContentMd5 { get; init; }

    /// <summary>
    /// Whether part uploads and PutObjects first send their headers with <c>Expect: 100-continue</c> and wait for the
    /// store's go-ahead before sending the body, as the SDK does by default. Default: <see langword="false"/>: the body
    /// follows the headers at once, saving a round trip per request (on Swift the go-ahead only comes once the proxy
    /// has checked the upload, so the wait is longer than the network's). The price is that a request the store
    /// refuses (throttling, expired credentials) has sent its body for nothing; turn it on for a slow or metered link
    /// to a store that often refuses.
    /// </summary>
    public bool ExpectContinue { get; init; }

    /// <summary>
    /// Retry, timeout and time-budget settings for every request (a multipart part is retried on its own): the options
    /// of every sink, with the same defaults (<see cref="SinkResilienceOptions"/>).
    /// </summary>
    public SinkResilienceOptions Retry { get; init; } = new();

    /// <summary>
    /// Unfinished multipart uploads under <see cref="Prefix"/> older than this are aborted when a set begins
    /// (uploads of the set being resumed are kept). It is also the age after which a backup's or forget's lease under
    /// the prefix is stale (left by a killed process) and broken: a backup that has run longer than this is no longer
    /// protected from forget. Default: 24 hours.
    /// </summary>
    public TimeSpan StaleUploadAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A local folder for the resume journal (<c>&lt;setId&gt;.journal.json</c>). Default: <see langword="null"/>,
    /// meaning the journal is kept in the store next to the set, as <c>&lt;Prefix&gt;/&lt;setId&gt;.journal.json</c>.
    /// </summary>
    public string? JournalDirectory { get; init; }

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new ArgumentException("S3 sink: the bucket name is empty", nameof(Bucket));
        }

        if (Prefix.StartsWith('/') || Prefix.EndsWith('/'))
        {
            throw new ArgumentException($"S3 sink: prefix '{Prefix}' must not start or end with '/'", nameof(Prefix));
        }

        if (MinimumPartSize < S3MinimumPartSize)
        {
            throw new ArgumentException($"S3 sink: minimum part size {MinimumPartSize} is below the S3 minimum of {S3MinimumPartSize} bytes", nameof(MinimumPartSize));
        }

        if (MaxConcurrentUploads < 1)
        {
            throw new ArgumentException($"S3 sink: MaxConcurrentUploads must be at least 1 (was {MaxConcurrentUploads})", nameof(MaxConcurrentUploads));
        }

        if ((AccessKey is null) != (SecretKey is null))
        {
            throw new ArgumentException("S3 sink: give both AccessKey and SecretKey, or neither (then the SDK's default credential sources are used)", nameof(AccessKey));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"S3 sink: ConnectTimeout must be more than zero (was {ConnectTimeout})", nameof(ConnectTimeout));
        }

        Retry.Validate();
    }

    /// <summary>Hides the secret: the record's generated text form must never show keys.</summary>
    public override string ToString() =>
        $"S3SinkOptions {{ Bucket = {Bucket}, Prefix = {Prefix}, ServiceUrl = {ServiceUrl}, Region = {Region}, AccessKey = {(AccessKey is null ? "(default sources)" : "(given)")} }}";
}
