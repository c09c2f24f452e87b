using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Sinks.S3;
using ExternalBackup.Sinks.Tar;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Cli;

/// <summary>Options for sinks created from <c>--to</c>.</summary>
public sealed record SinkAddressOptions
{
    /// <summary>Create a destination folder that does not exist.</summary>
    public bool CreateDestination { get; init; }

    /// <summary>S3 endpoint, keys and region; what is missing comes from the environment (<see cref="S3Settings.WithEnvironment"/>).</summary>
    public S3Settings S3 { get; init; } = new();

    /// <summary>S3 sink tuning (part size, concurrency, retries, journal); bucket, prefix, endpoint and keys are replaced by the address and <see cref="S3"/>.</summary>
    public S3SinkOptions? S3Tuning { get; init; }

    /// <summary>Where sinks log; never receives credentials.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Reads environment variables (tests replace it). Default: <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?>? Environment { get; init; }
}

/// <summary>What a <c>--to</c> value names.</summary>
public enum SinkAddressKind
{
    /// <summary>A folder on disk: <c>--to DIR</c>.</summary>
    Directory,
    /// <summary>An S3-compatible bucket: <c>--to s3://bucket/prefix</c>.</summary>
    S3,
    /// <summary>A tar archive file: <c>--to tar:FILE</c>.</summary>
    TarFile,
    /// <summary>A tar archive on standard output: <c>--to tar:-</c>.</summary>
    TarStdout,
}

/// <summary>S3 settings a <c>--to s3://…</c> address takes from options, falling back to the environment.</summary>
/// <param name="Endpoint">The endpoint (<c>S3_ENDPOINT</c>); none means AWS.</param>
/// <param name="AccessKey">The access key (<c>S3_ACCESS_KEY</c>); none means the SDK's default credential sources.</param>
/// <param name="SecretKey">The secret key (<c>S3_SECRET_KEY</c>).</param>
/// <param name="Region">The region (<c>S3_REGION</c>, default <c>us-east-1</c>).</param>
public sealed record S3Settings(string? Endpoint = null, string? AccessKey = null, string? SecretKey = null, string? Region = null)
{
    /// <summary>Fills what is missing from <c>S3_ENDPOINT</c>, <c>S3_ACCESS_KEY</c>, <c>S3_SECRET_KEY</c>, <c>S3_REGION</c>.</summary>
    public S3Settings WithEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        return new S3Settings(
            Endpoint ?? Blank(environment("S3_ENDPOINT")),
            AccessKey ?? Blank(environment("S3_ACCESS_KEY")),
            SecretKey ?? Blank(environment("S3_SECRET_KEY")),
            Region ?? Blank(environment("S3_REGION")));
    }

    /// <summary>Hides the keys.</summary>
    public override string ToString() => $"S3Settings {{ Endpoint = {Endpoint}, Region = {Region}, AccessKey = {(AccessKey is null ? "(default sources)" : "(given)")} }}";

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>
/// A parsed <c>--to</c> value: a plain <c>DIR</c>, <c>s3://bucket/prefix</c>, <c>tar:FILE</c> or <c>tar:-</c>.
/// <see cref="Parse"/> checks the syntax; <see cref="Open"/> makes the sink.
/// </summary>
/// <param name="Kind">What it names.</param>
/// <param name="Location">The folder or archive path; for S3 the bucket; "-" for standard output.</param>
/// <param name="Prefix">For S3, the key prefix (may be empty).</param>
public sealed record SinkAddress(SinkAddressKind Kind, string Location, string Prefix = "")
{
    /// <summary>Parses a <c>--to</c> value; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SinkAddress Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            throw new FormatException("--to: empty destination");
        }

        if (value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = value["s3://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var bucket = slash < 0 ? rest : rest[..slash];
            var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
            if (bucket.Length == 0)
            {
                throw new FormatException($"--to {value}: no bucket (expected s3://bucket/prefix)");
            }

            if (prefix.Contains("//", StringComparison.Ordinal))
            {
                throw new FormatException($"--to {value}: the prefix has an empty segment");
            }

            return new SinkAddress(SinkAddressKind.S3, bucket, prefix);
        }

        if (value.StartsWith("tar:", StringComparison.Ordinal))
        {
            var target = value["tar:".Length..];
            return target switch
            {
                "" => throw new FormatException($"--to {value}: no archive (expected tar:FILE or tar:-)"),
                "-" => new SinkAddress(SinkAddressKind.TarStdout, "-"),
                _ => new SinkAddress(SinkAddressKind.TarFile, target),
            };
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException($"--to {value}: unknown scheme (expected DIR, s3://bucket/prefix, tar:FILE or tar:-)");
        }

        return new SinkAddress(SinkAddressKind.Directory, value);
    }

    /// <summary>Parses <paramref name="to"/> and makes the sink it names (see <see cref="Open"/>).</summary>
    public static IBackupSink Create(string to, SinkAddressOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentNullException.ThrowIfNull(options);
        return Parse(to).Open(options);
    }

    /// <summary>
    /// Makes the sink this address names: a folder gets a <see cref="DirectorySink"/> in the default retry policy
    /// (<see cref="ResilientSink"/>); S3 gets an <see cref="S3Sink"/>, which retries each request itself through the
    /// same pipeline and options type (<see cref="SinkResilienceOptions"/>) and is not wrapped again; <c>tar:</c> gets a <see cref="TarSink"/> on the file or on standard output.
    /// </summary>
    public IBackupSink Open(SinkAddressOptions? options = null)
    {
        options ??= new SinkAddressOptions();
        return Kind switch
        {
            SinkAddressKind.Directory => new ResilientSink(new DirectorySink(Location, new DirectorySinkOptions { CreateDestination = options.CreateDestination }), logger: options.Logger),
            SinkAddressKind.S3 => new S3Sink(S3Options(options.S3, options.S3Tuning, options.Environment), options.Logger),
            SinkAddressKind.TarFile => new TarSink(Location),
            SinkAddressKind.TarStdout => new TarSink(Console.OpenStandardOutput(), leaveOpen: false),
            _ => throw new InvalidOperationException($"unknown sink kind {Kind}"),
        };
    }

    /// <summary>The S3 sink options this address and the settings give (throws for a non-S3 address).</summary>
    public S3SinkOptions S3Options(S3Settings? s3 = null, S3SinkOptions? tuning = null, Func<string, string?>? environment = null)
    {
        if (Kind != SinkAddressKind.S3)
        {
            throw new InvalidOperationException($"{this} is not an S3 address");
        }

        var settings = (s3 ?? new S3Settings()).WithEnvironment(environment);
        Uri? endpoint = null;
        if (settings.Endpoint is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.Host.Length == 0))
        {
            throw new FormatException($"S3 endpoint '{text}' (--s3-endpoint or S3_ENDPOINT) is not an http:// or https:// URL (e.g. http://127.0.0.1:8080)");
        }

        var baseline = tuning ?? new S3SinkOptions { Bucket = Location };
        return baseline with
        {
            Bucket = Location,
            Prefix = Prefix,
            ServiceUrl = endpoint,
            Region = settings.Region ?? baseline.Region,
            AccessKey = settings.AccessKey,
            SecretKey = settings.SecretKey,
        };
    }

    /// <summary>The address as it would be typed after <c>--to</c>.</summary>
    public override string ToString() => Kind switch
    {
        SinkAddressKind.S3 => Prefix.Length == 0 ? $"s3://{Location}" : $"s3://{Location}/{Prefix}",
        SinkAddressKind.TarFile or SinkAddressKind.TarStdout => $"tar:{Location}",
        _ => Location,
    };
}
