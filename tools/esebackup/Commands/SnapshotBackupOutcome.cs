namespace ExternalBackup.Cli.Commands;

/// <summary>What a <c>--vss</c> backup ended with.</summary>
/// <param name="ExitCode">The exit code (<see cref="CliConsole.Ok"/>, <see cref="CliConsole.Failed"/>, <see cref="CliConsole.UsageOrIo"/>); meaningless when <paramref name="RunStreaming"/> is set.</param>
/// <param name="RunStreaming">VSS was unavailable or its session could not start or run, and <c>--fallback streaming</c> was given: the caller must now run the streaming backup and use its exit code.</param>
public sealed record SnapshotBackupOutcome(int ExitCode, bool RunStreaming)
{
    /// <summary>The outcome telling the caller to run the streaming path.</summary>
    public static SnapshotBackupOutcome FallBackToStreaming { get; } = new(CliConsole.Ok, true);
}
