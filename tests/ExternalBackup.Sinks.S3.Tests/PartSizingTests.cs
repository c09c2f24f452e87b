using System.Net;
using Amazon.S3;
using Polly.Timeout;

namespace ExternalBackup.Sinks.S3.Tests;

[TestFixture]
public sealed class PartSizingTests
{
    private const long MiB = 1024 * 1024;

    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(8 * MiB)]
    [TestCase(60L * 1024 * MiB)]
    public void Small_and_medium_files_use_the_minimum_part_size(long length) =>
        Assert.That(PartSizing.ForLength(length, 8 * (int)MiB), Is.EqualTo(8 * MiB));

    [TestCase(100L * 1024 * MiB)]
    [TestCase(1024L * 1024 * MiB)]
    [TestCase(4L * 1024 * 1024 * MiB)]
    public void Large_files_never_need_more_than_10000_parts_even_with_an_eighth_of_growth(long length)
    {
        var size = PartSizing.ForLength(length, 5 * (int)MiB);
        Assert.That(size % MiB, Is.Zero, "whole MiB");
        Assert.That((length + (length / 8) + size - 1) / size, Is.LessThanOrEqualTo(10_000));
        Assert.That(PartSizing.ForLength(length, 5 * (int)MiB), Is.EqualTo(size), "deterministic, so a resumed upload cuts the same parts");
    }

    [Test]
    public void Part_size_below_the_s3_minimum_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PartSizing.ForLength(1, 1024));
}

[TestFixture]
public sealed class S3ErrorClassifierTests
{
    [TestCase(HttpStatusCode.ServiceUnavailable, "SlowDown", true)]
    [TestCase(HttpStatusCode.InternalServerError, "InternalError", true)]
    [TestCase(HttpStatusCode.TooManyRequests, "TooManyRequests", true)]
    [TestCase(HttpStatusCode.BadRequest, "RequestTimeout", true)]
    [TestCase(HttpStatusCode.Forbidden, "AccessDenied", false)]
    [TestCase(HttpStatusCode.NotFound, "NoSuchBucket", false)]
    [TestCase(HttpStatusCode.BadRequest, "InvalidArgument", false)]
    [TestCase(HttpStatusCode.NotFound, "NoSuchUpload", false)]
    public void Service_errors_are_classified_by_code_and_status(HttpStatusCode status, string code, bool transient)
    {
        var error = new AmazonS3Exception("x") { StatusCode = status, ErrorCode = code };
        Assert.That(S3ErrorClassifier.IsTransient(error), Is.EqualTo(transient));
    }

    [Test]
    public void Connection_failures_and_attempt_timeouts_are_transient_and_caller_cancellation_is_not()
    {
        Assert.That(S3ErrorClassifier.IsTransient(new HttpRequestException("reset", new IOException("connection reset"))), Is.True);
        Assert.That(S3ErrorClassifier.IsTransient(new TimeoutRejectedException()), Is.True);
        Assert.That(S3ErrorClassifier.IsTransient(new OperationCanceledException()), Is.False);
        Assert.That(S3ErrorClassifier.IsTransient(new ArgumentException("bad")), Is.False);
    }

    [Test]
    public void Options_hide_the_secret_key()
    {
        var options = new S3SinkOptions { Bucket = "b", AccessKey = "AKIAEXAMPLE", SecretKey = "very-secret" };
        Assert.That(options.ToString(), Does.Not.Contain("very-secret").And.Not.Contain("AKIAEXAMPLE"));
    }
}
