using Amazon.Runtime;
using Amazon.S3;

namespace ExternalBackup.Sinks.S3;

/// <summary>Creates <see cref="AmazonS3Client"/>s configured the way <see cref="S3Sink"/> needs them.</summary>
public static class S3ClientFactory
{
    /// <summary>
    /// A client for <paramref name="options"/>: path-style when asked, checksums only when required, the SDK's own
    /// retries off (the sink retries with Polly), the per-attempt timeout as the HTTP timeout, a short connect timeout, and explicit keys or
    /// the SDK's default credential sources.
    /// </summary>
    public static AmazonS3Client Create(S3SinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = options.ChecksumsOnlyWhenRequired ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = options.ChecksumsOnlyWhenRequired ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
            MaxErrorRetry = 0,
            Timeout = options.Retry.AttemptTimeout,
            ConnectTimeout = options.ConnectTimeout < options.Retry.AttemptTimeout ? options.ConnectTimeout : options.Retry.AttemptTimeout,
            MaxConnectionsPerServer = Math.Max(options.MaxConcurrentUploads + 2, 8),
        };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl.ToString();
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        return options.AccessKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }
}
