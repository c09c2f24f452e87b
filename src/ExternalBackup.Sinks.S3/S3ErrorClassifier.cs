using Amazon.Runtime;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Which failed S3 requests are worth repeating: the S3 sink's side of the one classification contract
/// (<see cref="ISinkFaultClassifier"/>). S3 service errors are judged by their code and HTTP status; everything else
/// (a reset or refused connection, a timeout, an I/O error) by the rule every sink shares, <see cref="SinkFaults.Classify"/>.
/// </summary>
public sealed class S3ErrorClassifier : ISinkFaultClassifier
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequests", "RequestTimeout",
        "RequestTimeoutException", "InternalError", "ServiceUnavailable", "BadDigest", "IncompleteBody",
    };

    private readonly TimeProvider _time;
    private readonly S3EndpointContact? _contact;

    /// <summary>
    /// A classifier reading a <c>Retry-After</c> date against <paramref name="timeProvider"/> (default
    /// <see cref="TimeProvider.System"/>), applying the first-contact rule of <paramref name="contact"/> when given
    /// (a failure to connect to an endpoint that never answered is permanent after a few attempts).
    /// </summary>
    public S3ErrorClassifier(TimeProvider? timeProvider = null, S3EndpointContact? contact = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _contact = contact;
    }

    /// <summary>
    /// Transient: throttling (503 SlowDown, 429 and the throttling codes), server errors (5xx), 408 and the request
    /// timeout codes, with the <c>Retry-After</c> the store sent; a failure without an S3 status as
    /// <see cref="SinkFaults.Classify"/> says (timeouts, broken or refused connections), except that with an
    /// <see cref="S3EndpointContact"/> a failure to connect to an endpoint that has never answered is permanent after
    /// <see cref="S3EndpointContact.FirstContactRetries"/> retries. Permanent: access denied,
    /// no such bucket or upload, an invalid argument, any other 4xx, and a cancellation by the caller.
    /// </summary>
    public SinkFault Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AmazonServiceException { StatusCode: not 0 } service)
        {
            _contact?.Answered();
            var status = (int)service.StatusCode;
            if ((service.ErrorCode is { } code && TransientCodes.Contains(code)) || status is >= 500 or 429 or 408)
            {
                return SinkFault.Transient(RetryAfter(exception));
            }

            if (status is >= 400 and < 500)
            {
                return SinkFault.Permanent;
            }
        }

        if (_contact?.GivesUp(exception) == true)
        {
            return SinkFault.Permanent;
        }

        return SinkFaults.Classify(exception);
    }

    /// <summary>A one-line description of a failure: the S3 error code and HTTP status when there is one, then the message.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{code} ({(int)service.StatusCode}): {service.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>The delay a <c>Retry-After</c> header of the failed response asks for (seconds, or a date against the clock), if any.</summary>
    private TimeSpan? RetryAfter(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Amazon.Runtime.Internal.HttpErrorResponseException { Response: { } response }
                && response.IsHeaderPresent("Retry-After"))
            {
                var value = response.GetHeaderValue("Retry-After");
                if (int.TryParse(value, out var seconds) && seconds >= 0)
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var when))
                {
                    var delay = when - _time.GetUtcNow();
                    return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
                }
            }
        }

        return null;
    }
}
