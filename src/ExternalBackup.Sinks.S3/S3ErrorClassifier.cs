using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Polly.Timeout;

namespace ExternalBackup.Sinks.S3;

/// <summary>Whether a failed S3 request is worth repeating.</summary>
public static class S3ErrorClassifier
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequests", "RequestTimeout",
        "RequestTimeoutException", "InternalError", "ServiceUnavailable", "BadDigest", "IncompleteBody",
    };

    /// <summary>
    /// <see langword="true"/> for throttling (503 SlowDown, 429), server errors (5xx), timeouts and broken or
    /// refused connections; <see langword="false"/> for everything else (access denied, no such bucket, invalid
    /// argument, other 4xx, and cancellation by the caller).
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case TimeoutRejectedException:
                return true;
            case AmazonServiceException service when service.StatusCode != 0:
                var status = (int)service.StatusCode;
                if (service.ErrorCode is { } code && TransientCodes.Contains(code))
                {
                    return true;
                }

                if (status is >= 500 or 429 or 408)
                {
                    return true;
                }

                if (status is >= 400 and < 500)
                {
                    return false;
                }

                break;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException or TimeoutException or WebException or TimeoutRejectedException)
            {
                return true;
            }
        }

        // The HTTP client reports its own timeout as a cancellation whose inner exception is a TimeoutException;
        // a cancellation without one is the caller's and is not retried.
        return false;
    }

    /// <summary>A one-line description of a failure: the S3 error code and HTTP status when there is one, then the message.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{code} ({(int)service.StatusCode}): {service.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>Whether the failure is the store asking the client to slow down (503 SlowDown, 429, throttling codes).</summary>
    public static bool IsThrottling(Exception exception) =>
        exception is AmazonServiceException { StatusCode: HttpStatusCode.TooManyRequests }
        || exception is AmazonServiceException { ErrorCode: "SlowDown" or "Throttling" or "ThrottlingException" or "RequestThrottled" or "TooManyRequests" };

    /// <summary>The delay a <c>Retry-After</c> header of the failed response asks for, if any.</summary>
    public static TimeSpan? RetryAfter(Exception exception)
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
                    var delay = when - DateTimeOffset.UtcNow;
                    return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
                }
            }
        }

        return null;
    }
}
