using System.Net;
using System.Reflection;
using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks.Resilience;

namespace ExternalBackup.Sinks.S3.Tests;

/// <summary>The S3 sink retries each request through the one stack: the same options type and defaults, the same pipeline, its own classifier.</summary>
[TestFixture]
public sealed class S3SinkResilienceTests
{
    private static S3SinkOptions Options(SinkResilienceOptions? retry = null) => new()
    {
        Bucket = "bucket",
        Prefix = "backups",
        ServiceUrl = new Uri("http://127.0.0.1:1"),
        AccessKey = "k",
        SecretKey = "s",
        Retry = retry ?? new SinkResilienceOptions(),
    };

    [Test]
    public void The_s3_sink_has_the_same_retry_defaults_as_every_sink()
    {
        var s3 = new S3SinkOptions { Bucket = "b" }.Retry;
        Assert.That(s3, Is.EqualTo(new SinkResilienceOptions()));
        Assert.That(s3.MaxRetryAttempts, Is.EqualTo(SinkResilienceOptions.DefaultMaxRetryAttempts));
        Assert.That(s3.TotalBudget, Is.EqualTo(SinkResilienceOptions.DefaultTotalBudget));
    }

    [Test]
    public async Task The_cli_builds_both_sinks_on_the_one_stack()
    {
        using var scratch = new ScratchDirectory("s3-cli-stack");
        await using var folder = ExternalBackup.Cli.SinkAddress.Create(scratch.Sub("dest"), new ExternalBackup.Cli.SinkAddressOptions());
        Assert.That(folder, Is.TypeOf<ResilientSink>(), "a folder's calls are retried by the decorator");
        var s3 = ExternalBackup.Cli.SinkAddress.Parse("s3://bucket/prefix").S3Options(new ExternalBackup.Cli.S3Settings("http://127.0.0.1:1", "k", "s"));
        Assert.That(s3.Retry, Is.EqualTo(new SinkResilienceOptions()), "S3 requests are retried with the same options and defaults");
        await using var sink = new S3Sink(s3);
        Assert.That(sink, Is.InstanceOf<ISinkFaultClassifier>());
    }

    [Test]
    public async Task Both_sinks_classify_through_the_one_contract()
    {
        using var scratch = new ScratchDirectory("s3-contract");
        await using var s3 = new S3Sink(Options());
        await using var folder = new DirectorySink(scratch.Sub("dest"));
        ISinkFaultClassifier[] sinks = [s3, folder];
        Exception[] shared =
        [
            new TimeoutException(), new IOException("disk full"), new UnauthorizedAccessException(), new OperationCanceledException(),
            new HttpRequestException("refused"), new TransientSinkException("busy") { RetryAfter = TimeSpan.FromSeconds(2) },
        ];
        foreach (var exception in shared)
        {
            Assert.That(sinks.Select(s => s.Classify(exception)).Distinct().ToList(), Has.Count.EqualTo(1).And.Contains(SinkFaults.Classify(exception)), exception.GetType().Name);
        }

        Assert.That(s3.Classify(S3ErrorClassifierTests.Throttled("5")), Is.EqualTo(SinkFault.Transient(TimeSpan.FromSeconds(5))));
        Assert.That(s3.Classify(new AmazonS3Exception("denied") { StatusCode = HttpStatusCode.Forbidden, ErrorCode = "AccessDenied" }), Is.EqualTo(SinkFault.Permanent));
    }

    [Test]
    public void Invalid_retry_options_are_refused_when_the_sink_builds_its_pipeline()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new S3Sink(Options(new SinkResilienceOptions { AttemptTimeout = TimeSpan.FromHours(1) })));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(SinkResilienceOptions.AttemptTimeout)));
        Assert.That(error.Message, Does.Contain("AttemptTimeout").And.Contain("TotalBudget"));
    }

    [Test]
    public async Task A_throttled_request_is_retried_after_its_retry_after_on_fake_time()
    {
        // Ten 503 SlowDown answers asking for 20 s each: 200 s of waiting in real time.
        var time = new FakeClock();
        var logger = new RecordingLogger();
        var client = ScriptedS3.Create(throttledListings: 10);
        await using var sink = new S3Sink(client, Options(), logger, time);
        var real = TimeProvider.System.GetTimestamp();

        IReadOnlyList<Manifest.BackupManifest>? sets = null;
        var (elapsed, failure) = await time.RunAsync(async () => sets = await sink.ListSetsAsync(default), TimeSpan.FromSeconds(1));

        Assert.That(failure, Is.Null);
        Assert.That(sets, Is.Empty);
        Assert.That(((ScriptedS3)(object)client).Listings, Is.EqualTo(11), "ten retries of the one request, then success");
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(200)).And.LessThan(TimeSpan.FromSeconds(215)));
        Assert.That(TimeProvider.System.GetElapsedTime(real), Is.LessThan(TimeSpan.FromSeconds(20)), "fake time, not real seconds");
        var retries = logger.Entries.Where(e => e.Event.Id == 5101).ToList();
        Assert.That(retries, Has.Count.EqualTo(10));
        Assert.That(retries[0].Message, Does.Contain("S3Sink call failed (AmazonS3Exception: Please reduce your request rate.); retry 1 of 10 in 00:00:20"));
    }

    [Test]
    public async Task A_request_that_stays_throttled_fails_once_the_retries_are_spent()
    {
        var time = new FakeClock();
        var client = ScriptedS3.Create(throttledListings: int.MaxValue);
        await using var sink = new S3Sink(client, Options(new SinkResilienceOptions { MaxRetryAttempts = 3 }), timeProvider: time);

        var (_, failure) = await time.RunAsync(async () => await sink.ListSetsAsync(default), TimeSpan.FromSeconds(1));

        Assert.That(failure, Is.TypeOf<AmazonS3Exception>().With.Property(nameof(AmazonS3Exception.ErrorCode)).EqualTo("SlowDown"));
        Assert.That(((ScriptedS3)(object)client).Listings, Is.EqualTo(4));
    }

    [Test]
    public async Task A_request_throttled_past_its_total_budget_fails_naming_the_budget_and_the_throttling()
    {
        var time = new FakeClock();
        var client = ScriptedS3.Create(throttledListings: int.MaxValue);
        var retry = new SinkResilienceOptions { MaxRetryAttempts = 100, AttemptTimeout = TimeSpan.FromSeconds(30), TotalBudget = TimeSpan.FromMinutes(2) };
        await using var sink = new S3Sink(client, Options(retry), timeProvider: time);

        var (elapsed, failure) = await time.RunAsync(async () => await sink.ListSetsAsync(default), TimeSpan.FromSeconds(1));

        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(2)).And.LessThan(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(2)));
        Assert.That(failure, Is.TypeOf<Polly.Timeout.TimeoutRejectedException>());
        Assert.That(failure!.Message, Does.StartWith("S3Sink: gave up when the total budget of 00:02:00 was spent, after 6 failed attempts; the last failure: AmazonS3Exception: Please reduce your request rate."));
        Assert.That(failure.InnerException, Is.TypeOf<AmazonS3Exception>());
    }
}

/// <summary>An <see cref="IAmazonS3"/> that answers ListObjectsV2 with 503 SlowDown (Retry-After 20 s) a set number of times, then with an empty listing.</summary>
internal class ScriptedS3 : DispatchProxy
{
    private int _throttled;

    public int Listings { get; private set; }

    public static IAmazonS3 Create(int throttledListings)
    {
        var client = DispatchProxy.Create<IAmazonS3, ScriptedS3>();
        ((ScriptedS3)(object)client)._throttled = throttledListings;
        return client;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod?.Name)
        {
            case nameof(IAmazonS3.ListObjectsV2Async):
                Listings++;
                if (_throttled-- > 0)
                {
                    return Task.FromException<ListObjectsV2Response>(S3ErrorClassifierTests.Throttled("20"));
                }

                return Task.FromResult(new ListObjectsV2Response { CommonPrefixes = [], IsTruncated = false });
            case nameof(IDisposable.Dispose):
                return null;
            default:
                throw new NotSupportedException($"scripted S3 client: {targetMethod?.Name} is not part of this test");
        }
    }
}
