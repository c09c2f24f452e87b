using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using Amazon.S3;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace ExternalBackup.Sinks.S3.Tests;

[TestFixture]
public sealed class S3ErrorClassifierTests
{
    private readonly S3ErrorClassifier _classifier = new();

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
        Assert.That(_classifier.Classify(error).IsTransient, Is.EqualTo(transient));
    }

    [Test]
    public void Connection_failures_and_attempt_timeouts_are_transient_and_caller_cancellation_is_not()
    {
        Assert.That(_classifier.Classify(new HttpRequestException("reset", new IOException("connection reset"))).IsTransient, Is.True);
        Assert.That(_classifier.Classify(new TimeoutRejectedException()).IsTransient, Is.True);
        Assert.That(_classifier.Classify(new OperationCanceledException()).IsTransient, Is.False);
        Assert.That(_classifier.Classify(new ArgumentException("bad")).IsTransient, Is.False);
    }

    [Test]
    public void An_io_error_means_what_it_means_for_every_sink()
    {
        // Before, S3 took every I/O error for transient and the folder sink none: one rule now, SinkFaults.Classify.
        Assert.That(_classifier.Classify(new IOException("disk full")), Is.EqualTo(SinkFaults.Classify(new IOException("disk full"))).And.EqualTo(SinkFault.Permanent));
        var reset = new IOException("Unable to read data from the transport connection", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset));
        Assert.That(_classifier.Classify(reset), Is.EqualTo(SinkFault.Transient()));
    }

    [Test]
    public void A_retry_after_in_seconds_is_the_hint()
    {
        var error = Throttled("120");
        Assert.That(_classifier.Classify(error), Is.EqualTo(SinkFault.Transient(TimeSpan.FromSeconds(120))));
    }

    [Test]
    public void A_retry_after_date_is_read_against_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var classifier = new S3ErrorClassifier(time);
        Assert.That(classifier.Classify(Throttled("Thu, 03 Dec 2026 12:00:45 GMT")).RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(45)));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(classifier.Classify(Throttled("Thu, 03 Dec 2026 12:00:45 GMT")).RetryAfter, Is.EqualTo(TimeSpan.Zero), "a date already past asks for no wait");
    }

    [Test]
    public void Options_hide_the_secret_key()
    {
        var options = new S3SinkOptions { Bucket = "b", AccessKey = "AKIAEXAMPLE", SecretKey = "very-secret" };
        Assert.That(options.ToString(), Does.Not.Contain("very-secret").And.Not.Contain("AKIAEXAMPLE"));
    }

    /// <summary>A 503 SlowDown as the SDK reports it, with the response's <c>Retry-After</c> header.</summary>
    internal static AmazonS3Exception Throttled(string retryAfter) =>
        new("Please reduce your request rate.", new HttpErrorResponseException(new ResponseWithHeaders(HttpStatusCode.ServiceUnavailable, ("Retry-After", retryAfter))), ErrorType.Receiver, "SlowDown", "request-1", HttpStatusCode.ServiceUnavailable);

    private sealed class ResponseWithHeaders(HttpStatusCode status, params (string Name, string Value)[] headers) : IWebResponseData
    {
        public long ContentLength => 0;

        public string ContentType => "application/xml";

        public HttpStatusCode StatusCode => status;

        public bool IsSuccessStatusCode => false;

        public IHttpResponseBody ResponseBody => throw new NotSupportedException("no body in this test response");

        public string[] GetHeaderNames() => [.. headers.Select(h => h.Name)];

        public bool IsHeaderPresent(string headerName) => headers.Any(h => string.Equals(h.Name, headerName, StringComparison.OrdinalIgnoreCase));

        public string GetHeaderValue(string headerName) => headers.FirstOrDefault(h => string.Equals(h.Name, headerName, StringComparison.OrdinalIgnoreCase)).Value;

        public bool IsEventHeaderPresent(string headerName) => false;

        public Amazon.Runtime.EventStreams.IEventStreamHeader GetEventStreamHeader(string headerName) => throw new NotSupportedException("no event stream in this test response");
    }

    [Test]
    public void A_refused_connection_before_the_endpoint_ever_answered_is_permanent_after_the_first_contact_retries()
    {
        var contact = new S3EndpointContact();
        var classifier = new S3ErrorClassifier(contact: contact);
        var refused = new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        var verdicts = Enumerable.Range(0, S3EndpointContact.DefaultFirstContactRetries + 1).Select(_ => classifier.Classify(refused).IsTransient).ToList();
        Assert.That(verdicts, Is.EqualTo(Enumerable.Repeat(true, S3EndpointContact.DefaultFirstContactRetries).Append(false)));
        Assert.That(classifier.Classify(new HttpRequestException("reset", new IOException("connection reset"))).IsTransient, Is.True, "only failures to connect are cut short");
    }

    [Test]
    public void Once_the_endpoint_answered_a_refused_connection_is_transient_under_the_full_policy()
    {
        var contact = new S3EndpointContact();
        var classifier = new S3ErrorClassifier(contact: contact);
        Assert.That(classifier.Classify(new AmazonS3Exception("slow") { StatusCode = HttpStatusCode.ServiceUnavailable, ErrorCode = "SlowDown" }).IsTransient, Is.True);
        Assert.That(contact.HasAnswered, Is.True, "an S3 error is an answer");
        var refused = new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
        Assert.That(Enumerable.Range(0, 20).All(_ => classifier.Classify(refused).IsTransient), Is.True, "a store restarting mid-backup is waited for");
        Assert.That(new S3ErrorClassifier().Classify(refused).IsTransient, Is.True, "without a contact (a client whose answers cannot be seen) the rule is off");
    }
}
