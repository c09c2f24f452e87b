using System.Net.Sockets;
using Amazon.Runtime;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Whether an S3 endpoint has ever answered a client, and how often it has failed to connect before it did: the
/// state of the first-contact rule of <see cref="S3ErrorClassifier"/>.
/// <para>
/// Why the rule: a connection that is refused (nothing listens on the port), a host name that does not resolve,
/// or a network that cannot be reached, before the endpoint has sent a single response, is almost always a wrong
/// <c>--s3-endpoint</c> or a store that is not running; the full retry policy (10 retries over up to 15 minutes)
/// would keep an operator waiting more than a minute for a one-line answer while nothing has been begun. Once the
/// endpoint has answered, the same failures mean a store restarting or failing over mid-backup, and they stay
/// transient under the full policy: the rule never shortens the retries of an endpoint known to work.
/// </para>
/// </summary>
public sealed class S3EndpointContact
{
    /// <summary>
    /// The default of <see cref="FirstContactRetries"/>: 2 (three attempts, a second or so with the default backoff):
    /// enough to ride out a store that is just starting, short enough to answer a wrong endpoint in seconds.
    /// </summary>
    public const int DefaultFirstContactRetries = 2;

    private int _answered;
    private int _failedConnects;

    /// <summary>A contact that applies the rule with <paramref name="firstContactRetries"/> retries.</summary>
    public S3EndpointContact(int firstContactRetries = DefaultFirstContactRetries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstContactRetries);
        FirstContactRetries = firstContactRetries;
    }

    /// <summary>How many failed connections are retried before the endpoint has answered once; after that they are permanent.</summary>
    public int FirstContactRetries { get; }

    /// <summary>Whether the endpoint has sent any response (a success or an S3 error).</summary>
    public bool HasAnswered => Volatile.Read(ref _answered) != 0;

    /// <summary>Records that the endpoint sent a response.</summary>
    public void Answered() => Volatile.Write(ref _answered, 1);

    /// <summary>
    /// Watches <paramref name="client"/>'s responses when it is an SDK client; returns whether it could (a client
    /// whose responses cannot be seen, such as a test double, is treated as an endpoint that answered: the rule is off).
    /// </summary>
    public bool Watch(object client)
    {
        if (client is AmazonServiceClient service)
        {
            service.AfterResponseEvent += (_, _) => Answered();
            return true;
        }

        Answered();
        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a failure to connect that the rule makes permanent: the endpoint has
    /// never answered and more than <see cref="FirstContactRetries"/> connections have failed. Counts the failure.
    /// </summary>
    public bool GivesUp(Exception exception)
    {
        if (HasAnswered || !IsConnectFailure(exception))
        {
            return false;
        }

        return Interlocked.Increment(ref _failedConnects) > FirstContactRetries;
    }

    /// <summary>Whether <paramref name="exception"/> (or an inner one) says no connection could be made: refused, unknown host, unreachable network or host.</summary>
    public static bool IsConnectFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable })
            {
                return true;
            }
        }

        return false;
    }
}
