using Amazon.Runtime;
using ExternalBackup.Sinks.S3;

namespace ExternalBackup.Cli.Failures;

/// <summary>
/// The S3 side of <see cref="FailureMapping"/>: an error the store answered with, keys that are missing, or an
/// endpoint that cannot be reached, each said in one line with the variables the command line reads.
/// </summary>
public static class S3Failures
{
    /// <summary>Where the command line reads the keys from, as the messages name it.</summary>
    public const string KeyVariables = "S3_ACCESS_KEY/S3_SECRET_KEY";

    private static readonly HashSet<string> RefusedKeyCodes = new(StringComparer.Ordinal)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidSecurity",
    };

    /// <summary>The failure <paramref name="exception"/> is when it is an S3 one (looking at inner exceptions too), or <see langword="null"/>.</summary>
    public static CliFailure? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Find<AmazonServiceException>(exception) is { StatusCode: not 0 } service)
        {
            return Service(service);
        }

        if (Find<AmazonClientException>(exception) is { } client && client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3NoKeys, $"no S3 keys: set {KeyVariables} (or the AWS SDK's usual sources: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role)");
        }

        if (S3EndpointContact.IsConnectFailure(exception) && (Find<AmazonClientException>(exception) is not null || Find<HttpRequestException>(exception) is not null))
        {
            var socket = Find<System.Net.Sockets.SocketException>(exception)!;
            return CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3Unreachable, $"the S3 endpoint cannot be reached ({socket.SocketErrorCode}: {socket.Message}); check --s3-endpoint or S3_ENDPOINT and that the store is running");
        }

        return null;
    }

    private static CliFailure Service(AmazonServiceException e)
    {
        var status = (int)e.StatusCode;
        var code = string.IsNullOrEmpty(e.ErrorCode) ? $"HTTP {status}" : $"{e.ErrorCode}, HTTP {status}";
        return e.ErrorCode switch
        {
            "NoSuchBucket" => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3BucketNotFound, $"the bucket does not exist ({code}); create it first or check the s3://bucket/prefix address"),
            "InvalidBucketName" => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3InvalidBucketName, $"the bucket name is not valid ({code}): 3 to 63 lower-case letters, digits, '-' and '.'"),
            { } c when RefusedKeyCodes.Contains(c) => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3KeysRefused, $"the store refused the keys ({code}); check {KeyVariables}"),
            "AccessDenied" or "AllAccessDisabled" => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3AccessDenied, $"access denied ({code}); check {KeyVariables} and the bucket's policy"),
            _ when status == 404 && e.Message.Contains("bucket", StringComparison.OrdinalIgnoreCase) => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3BucketNotFound, $"the bucket does not exist ({code})"),
            _ when status is 401 or 403 => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3AccessDenied, $"the store refused the request (HTTP {status}{(e.ErrorCode is { Length: > 0 } c && c != e.StatusCode.ToString() ? $", {c}" : string.Empty)}): the keys in {KeyVariables} are wrong or may not use this bucket"),
            _ => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.S3Error, $"the store answered {code}: {e.Message}"),
        };
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(x => x is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }
}
