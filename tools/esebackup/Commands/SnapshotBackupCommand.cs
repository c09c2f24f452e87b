using ExternalBackup.Interop.Vss;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup backup --from-snapshot DIR</c> (any OS: a frozen folder, verified while copied) and
/// <c>esebackup backup --vss [--fallback streaming]</c> (Windows: a VSS snapshot of the ESE writers' volumes).
/// The backup command parses the options and the destination and calls these entry points.
/// </summary>
public static class SnapshotBackupCommand
{
    /// <summary>Backs up the frozen folder <see cref="SnapshotBackupArguments.FromSnapshot"/> into <paramref name="sink"/>; returns the exit code.</summary>
    /// <param name="arguments">The parsed options.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="cancellationToken">Cancels the backup (the set is aborted).</param>
    /// <param name="format">The ESE format (headers and the inline verifier); default <see cref="EseFrozenFileFormat"/>.</param>
    public static async Task<int> RunFromSnapshotAsync(SnapshotBackupArguments arguments, IBackupSink sink, CliConsole console, CancellationToken cancellationToken, IFrozenFileFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(console);
        if (string.IsNullOrWhiteSpace(arguments.FromSnapshot))
        {
            return console.Fail(CliConsole.UsageOrIo, "--from-snapshot needs a folder");
        }

        if (!Directory.Exists(arguments.FromSnapshot))
        {
            return console.Fail(CliConsole.UsageOrIo, $"--from-snapshot: folder '{arguments.FromSnapshot}' not found");
        }

        var layout = arguments.LogFolder is null
            ? FrozenFolderLayout.Single(arguments.FromSnapshot) with { InstanceName = arguments.InstanceName }
            : new FrozenFolderLayout([arguments.FromSnapshot], [arguments.LogFolder]) { InstanceName = arguments.InstanceName };
        var source = new FrozenFolderSource(format, new FrozenFolderSourceOptions { LogsAfterGeneration = arguments.LogsAfterGeneration, ReadBytesPerSecond = arguments.ReadBytesPerSecond }, arguments.Progress);
        try
        {
            var manifest = await new FrozenFolderBackup(source, logger: arguments.Logger).RunAsync(layout, sink, arguments.Kind, setId: arguments.SetId, allowOrphan: arguments.AllowOrphan, cancellationToken: cancellationToken).ConfigureAwait(false);
            Report(console, arguments, manifest);
            return CliConsole.Ok;
        }
        catch (Exception e) when (e is FrozenSetException or BackupVerificationException or InvalidDataException)
        {
            return console.Fail(CliConsole.Failed, $"backup refused: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return console.Fail(e);
        }
    }

    /// <summary>
    /// Backs up the ESE writers' components through VSS into <paramref name="sink"/>. Off Windows (or whenever the
    /// provider is unavailable) it says so and returns <see cref="CliConsole.UsageOrIo"/>, or, with
    /// <see cref="SnapshotBackupArguments.FallbackToStreaming"/>, <see cref="SnapshotBackupOutcome.FallBackToStreaming"/>
    /// without touching <paramref name="sink"/>; with that option a session that cannot start or run (any provider
    /// step before the copy fails) also falls back, saying which step failed and why.
    /// </summary>
    /// <param name="arguments">The parsed options.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="cancellationToken">Cancels the backup (the writers are told to abort).</param>
    /// <param name="format">The ESE format (headers and the inline verifier); default <see cref="EseFrozenFileFormat"/>.</param>
    /// <param name="provider">The snapshot provider; default <see cref="VssSnapshotProvider"/> (tests pass the provider model).</param>
    public static async Task<SnapshotBackupOutcome> RunVssAsync(SnapshotBackupArguments arguments, IBackupSink sink, CliConsole console, CancellationToken cancellationToken, IFrozenFileFormat? format = null, ISnapshotProvider? provider = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(console);
        provider ??= new VssSnapshotProvider();
        if (!provider.IsAvailable)
        {
            var reason = provider.UnavailableReason ?? $"snapshot provider '{provider.Name}' is unavailable";
            if (arguments.FallbackToStreaming)
            {
                console.Error.WriteLine($"esebackup: {reason}; falling back to the streaming backup API");
                return SnapshotBackupOutcome.FallBackToStreaming;
            }

            return new SnapshotBackupOutcome(console.Fail(CliConsole.UsageOrIo, $"{reason}; use --from-snapshot DIR for a snapshot mounted by other means, or --fallback streaming"), false);
        }

        var source = new FrozenFolderSource(format, new FrozenFolderSourceOptions { LogsAfterGeneration = arguments.LogsAfterGeneration, ReadBytesPerSecond = arguments.ReadBytesPerSecond }, arguments.Progress);
        var coordinator = new SnapshotBackupCoordinator(provider, source, new SnapshotBackupOptions { AllowOrphan = arguments.AllowOrphan, Logger = arguments.Logger });
        try
        {
            var result = await coordinator.RunAsync(new SnapshotRequest { Kind = arguments.Kind, WriterIds = arguments.Writers }, sink, cancellationToken).ConfigureAwait(false);
            Report(console, arguments, result.Manifest);
            foreach (var warning in result.CleanupWarnings)
            {
                console.Error.WriteLine($"esebackup: warning: {warning}");
            }

            return new SnapshotBackupOutcome(CliConsole.Ok, false);
        }
        catch (Exception e) when (arguments.FallbackToStreaming && IsSessionFailure(e))
        {
            console.Error.WriteLine($"esebackup: the VSS session could not start or run ({e.Message}); falling back to the streaming backup API");
            return SnapshotBackupOutcome.FallBackToStreaming;
        }
        catch (Exception e) when (e is SnapshotException or FrozenSetException or BackupVerificationException or InvalidDataException)
        {
            return new SnapshotBackupOutcome(console.Fail(CliConsole.Failed, $"backup failed: {e.Message}"), false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new SnapshotBackupOutcome(console.Fail(e), false);
        }
    }

    /// <summary>
    /// A failure of the snapshot session itself, before anything reached the sink: a provider step up to
    /// <see cref="SnapshotStep.GetSnapshotPaths"/> (E_NOTIMPL, E_ACCESSDENIED, VSS_E_* ...), or the provider's native
    /// library missing or unusable. Copy, verification and commit failures, and anything after the commit, are not.
    /// </summary>
    private static bool IsSessionFailure(Exception e) =>
        e is SnapshotException { Step: <= SnapshotStep.GetSnapshotPaths }
            or DllNotFoundException or EntryPointNotFoundException or System.Runtime.InteropServices.COMException or System.Runtime.InteropServices.SEHException;

    /// <summary>The fields of the JSON object printed with <c>--json</c> (<see cref="Json.BackupJson"/>, as for the streaming backup).</summary>
    public static System.Text.Json.Nodes.JsonObject Describe(BackupManifest manifest) => Json.BackupJson.Describe(manifest);

    private static void Report(CliConsole console, SnapshotBackupArguments arguments, BackupManifest m)
    {
        if (arguments.Json)
        {
            console.WriteResult(true, Describe(m));
            return;
        }

        var logs = m.LogGenerations is { } g ? $"logs {g.Low}..{g.High}" : "no logs";
        var c = m.Counts ?? SetCounts.Of(m.Files.ToList());
        console.Out.WriteLine($"{m.SetId}: verified {m.Kind.Name()} backup of {m.Instance} from {m.Source}{(m.Producer is null ? string.Empty : $":{m.Producer}")}, {c.Databases} databases, {c.Logs} logs, {m.Files.Count} files, {c.Bytes} bytes, {logs}{(m.TruncatesLogs ? ", writers told to truncate" : ", nothing truncated")}{BackupCommand.Corrections(m)}");
        foreach (var excluded in m.Excluded ?? [])
        {
            console.Out.WriteLine($"{m.SetId}: excluded {excluded.SourcePath}: {excluded.Reason}");
        }
    }
}
