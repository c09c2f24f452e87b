using ExternalBackup.Chains;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Pipeline;
using ExternalBackup.Snapshots;
using Polly.Timeout;

namespace ExternalBackup.Cli.Failures;

/// <summary>
/// The one mapping from an exception that reaches a command to what the command line reports: one line and the
/// README's exit code (1: the backup failed or something is corrupt; 2: usage, configuration or I/O). Cancellation
/// is not mapped here (<see cref="GuardedAction"/> reports it as exit 130 once the command has cleaned up).
/// </summary>
public static class FailureMapping
{
    /// <summary>The failure <paramref name="exception"/> is, for the work <paramref name="what"/> names (e.g. <c>backup to s3://b/p</c>).</summary>
    public static CliFailure Map(Exception exception, string what)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        var failure = Describe(exception);
        return failure with { Message = CliFailure.OneLine($"{what}: {failure.Message}") };
    }

    /// <summary>The failure <paramref name="exception"/> is, its message being the exception's own (for a command whose exceptions already name what failed).</summary>
    public static CliFailure Describe(Exception exception) => exception switch
    {
        _ when S3Failures.Describe(exception) is { } s3 => s3,
        EseException or BackupVerificationException or LogTruncationException or ChainBaseNotFoundException or FrozenSetException or SnapshotException or EseLibraryException
            => CliFailure.Of(CliConsole.Failed, FailureCodes.BackupFailed, exception.Message),
        InvalidDataException => CliFailure.Of(CliConsole.Failed, FailureCodes.Corrupt, exception.Message),
        EngineSelectionException => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Engine, exception.Message),
        TimeoutRejectedException => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Io, exception.Message),
        IOException or UnauthorizedAccessException => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Io, exception.Message),
        HttpRequestException or System.Net.Sockets.SocketException => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Io, exception.Message),
        ArgumentException or FormatException or NotSupportedException or PlatformNotSupportedException => CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Usage, exception.Message),
        _ => CliFailure.Of(CliConsole.Failed, FailureCodes.Internal, $"unexpected {exception.GetType().Name}: {exception.Message}"),
    };
}
