using System.Net.Http;
using System.Net.Sockets;
using Polly.Timeout;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>Which sink failures are transient: the default retry predicate of <see cref="SinkResilienceOptions"/>.</summary>
public static class SinkFaults
{
    /// <summary>
    /// Transient: <see cref="TransientSinkException"/>, timeouts (including a Polly per-attempt timeout), socket and
    /// HTTP transport errors. Not transient: everything else (a full disk, access denied, a bad argument), and
    /// cancellation by the caller.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TransientSinkException => true,
        TimeoutRejectedException => true,
        TimeoutException => true,
        SocketException => true,
        HttpRequestException => true,
        IOException { InnerException: SocketException } => true,
        _ => false,
    };
}
