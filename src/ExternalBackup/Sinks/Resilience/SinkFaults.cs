using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Polly.Timeout;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// The classification every sink starts from: the folder and tar sinks use it as it is, the S3 sink for whatever is
/// not an S3 service error, and <see cref="ResilientSink"/> for a wrapped sink that is no <see cref="ISinkFaultClassifier"/>.
/// </summary>
public static class SinkFaults
{
    /// <summary><see cref="Classify"/> as an <see cref="ISinkFaultClassifier"/>.</summary>
    public static ISinkFaultClassifier Classifier { get; } = new CommonClassifier();

    /// <summary>
    /// Transient, when the exception or one of its inner exceptions is: a <see cref="TransientSinkException"/>
    /// (with its <see cref="TransientSinkException.RetryAfter"/>), a timeout (including a Polly per-attempt timeout,
    /// and the HTTP client's own timeout, a cancellation around a <see cref="TimeoutException"/>), a socket or HTTP
    /// transport error (but not an HTTP 4xx other than 408 and 429), or an <see cref="IOException"/> whose code is a network's passing failure (the one rule on
    /// I/O errors, in <see cref="IOFaults"/>: a full disk, a read-only file system or any I/O error without such a
    /// code is permanent). Everything else is permanent: access denied, a bad argument, a cancellation by the caller.
    /// </summary>
    public static SinkFault Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TransientSinkException transient:
                    return SinkFault.Transient(transient.RetryAfter);
                case HttpRequestException { StatusCode: { } status } when (int)status is >= 400 and < 500 and not 408 and not 429:
                    return SinkFault.Permanent;
                case TimeoutRejectedException or TimeoutException or SocketException or HttpRequestException or HttpIOException or WebException:
                    return SinkFault.Transient();
                case IOException io when IOFaults.IsTransient(io):
                    return SinkFault.Transient();
            }
        }

        return SinkFault.Permanent;
    }

    private sealed class CommonClassifier : ISinkFaultClassifier
    {
        public SinkFault Classify(Exception exception) => SinkFaults.Classify(exception);
    }
}
