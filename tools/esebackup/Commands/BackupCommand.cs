using System.CommandLine;
using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;

namespace ExternalBackup.Cli.Commands;

/// <summary><c>esebackup backup</c>: runs one backup of an instance into a destination.</summary>
public static class BackupCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var engine = new Option<string?>("--engine") { Description = "required for a streaming backup (not with --from-snapshot or --vss): native: esent.dll or an ESE library for Linux serving --instance; model: the demo engine model (a test double that rewrites the instance folder)" };
        engine.AcceptOnlyFromAmong("model", "native");
        var instance = new Option<string?>("--instance") { Description = "the instance folder (databases, logs, checkpoint) the engine serves" };
        var to = new Option<string>("--to") { Description = "the destination: a folder, s3://bucket/prefix, tar:FILE or tar:-", Required = true };
        var kind = new Option<string>("--kind") { Description = "full, incremental, copy or differential", DefaultValueFactory = _ => "full" };
        kind.AcceptOnlyFromAmong("full", "incremental", "copy", "differential");
        var json = new Option<bool>("--json") { Description = "print one JSON object describing the set at the end" };
        var createDestination = new Option<bool>("--create-destination") { Description = "create the destination folder if it does not exist" };
        var fromSnapshot = new Option<string?>("--from-snapshot") { Description = "back up a frozen copy of the files (a mounted snapshot, a stopped instance, a disk image): every page and log is verified while copying" };
        var logFolder = new Option<string?>("--log-folder") { Description = "with --from-snapshot: the logs' folder when it is not the databases' folder" };
        var vss = new Option<bool>("--vss") { Description = "take a VSS snapshot of the ESE writers' files (Windows)" };
        var fallback = new Option<string?>("--fallback") { Description = "with --vss: 'streaming' runs the streaming backup when VSS is not available" };
        fallback.AcceptOnlyFromAmong("streaming");
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "for s3:// destinations: the endpoint URL (default: S3_ENDPOINT, then AWS); keys come from S3_ACCESS_KEY/S3_SECRET_KEY or the SDK's usual sources, never from the command line" };
        var s3Region = new Option<string?>("--s3-region") { Description = "for s3:// destinations: the region (default: S3_REGION, then us-east-1)" };
        var verify = new Option<bool>("--verify-stream") { Description = "check every page and log on this side of the engine while streaming (default on)", DefaultValueFactory = _ => true };
        var setId = new Option<string?>("--set-id") { Description = "the set's name (default: start time and kind, e.g. 20261122T060000000Z-full); give an interrupted set's name to resume it on an s3:// destination" };
        var instanceName = new Option<string?>("--instance-name") { Description = "with --from-snapshot: the instance the set records and its chain is found by (default: the folder's full path, which changes when each night's snapshot is mounted elsewhere)" };
        var allowOrphan = new Option<bool>("--allow-orphan") { Description = "commit an incremental or differential whose base (a set of the same instance and log stream that its logs continue) is not in the destination, for a product that keeps its own catalogue; without it such a backup is refused before anything is truncated" };
        var limitRead = TransferLimitOptions.Read();
        var limitWrite = TransferLimitOptions.Write();
        var command = new Command("backup", "Back up an ESE instance online through the external backup API")
        {
            engine, instance, to, kind, json, createDestination, verify, setId, fromSnapshot, logFolder, vss, fallback, s3Endpoint, s3Region, allowOrphan, instanceName, limitRead, limitWrite,
        };
        foreach (var option in EngineSelection.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            using var log = CliLogging.Open(parse, console, parse.GetValue(json));
            var backupKind = Enum.Parse<BackupKind>(parse.GetValue(kind)!, ignoreCase: true);
            if (parse.GetValue(engine) is null && parse.GetValue(fromSnapshot) is null && (!parse.GetValue(vss) || parse.GetValue(fallback) is not null))
            {
                return console.Fail(CliConsole.UsageOrIo, EngineSelection.Required);
            }

            IExternalBackupEngine? selected = null;
            try
            {
                // With tar:- the archive is standard output, so the report goes to standard error.
                var report = parse.GetValue(to) == "tar:-" ? console.Error : console.Out;
                var readLimit = TransferLimitOptions.BytesPerSecond(parse.GetValue(limitRead), "--limit-read");
                await using var sink = RateLimits.RateLimitedSink.Wrap(SinkAddress.Create(parse.GetValue(to)!, new SinkAddressOptions
                {
                    CreateDestination = parse.GetValue(createDestination),
                    S3 = new S3Settings(Endpoint: parse.GetValue(s3Endpoint), Region: parse.GetValue(s3Region)),
                    Logger = log.Default,
                }), TransferLimitOptions.BytesPerSecond(parse.GetValue(limitWrite), "--limit-write"));
                using var progress = CliProgress.Open(log, console, "backup");
                var snapshotArguments = new SnapshotBackupArguments
                {
                    Kind = backupKind,
                    FromSnapshot = parse.GetValue(fromSnapshot),
                    LogFolder = parse.GetValue(logFolder),
                    FallbackToStreaming = parse.GetValue(fallback) == "streaming",
                    Json = parse.GetValue(json),
                    AllowOrphan = parse.GetValue(allowOrphan),
                    InstanceName = parse.GetValue(instanceName),
                    Logger = log.Default,
                    Progress = progress.Backup(),
                    SetId = parse.GetValue(setId),
                    ReadBytesPerSecond = readLimit,
                };
                if (snapshotArguments.FromSnapshot is not null)
                {
                    return await SnapshotBackupCommand.RunFromSnapshotAsync(snapshotArguments, sink, console, cancellationToken).ConfigureAwait(false);
                }

                if (parse.GetValue(vss))
                {
                    var outcome = await SnapshotBackupCommand.RunVssAsync(snapshotArguments, sink, console, cancellationToken).ConfigureAwait(false);
                    if (!outcome.RunStreaming)
                    {
                        return outcome.ExitCode;
                    }

                    console.Error.WriteLine("esebackup: falling back to the streaming backup API");
                }

                var engineName = parse.GetValue(engine)!;
                selected = EngineSelection.Open(engineName, parse.GetValue(instance), parse);
                var options = parse.GetValue(verify) ? new StreamingBackupOptions() : new StreamingBackupOptions { CreateVerifier = null };
                options = options with { SetId = parse.GetValue(setId), AllowOrphan = parse.GetValue(allowOrphan), ReadBytesPerSecond = readLimit };
                var result = await new StreamingBackup(selected, sink, options, log.For<StreamingBackup>()).RunAsync(backupKind, progress.Backup(CrashSwitch.FromEnvironment()), cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    report.WriteLine(Json.CliJson.Text(Json.CliJson.Result("backup", result.EndFailure is null, Describe(result))));
                }
                else
                {
                    var m = result.Manifest;
                    var c = result.Counts;
                    report.WriteLine($"{m.SetId}: {m.Kind.Name()} backup of {m.Instance}, {c.Databases} databases, {c.Logs} logs, {m.Files.Count} files, {c.Bytes} bytes, logs {m.LogGenerations?.Low}..{m.LogGenerations?.High}{(result.LogsTruncated ? ", logs truncated" : string.Empty)}{Corrections(m)}");
                    if (EngineSelection.IsDemo(engineName))
                    {
                        report.WriteLine(EngineSelection.DemoNote);
                    }
                }

                if (result.EndFailure is { } endFailure)
                {
                    console.Error.WriteLine($"esebackup: set '{result.Manifest.SetId}' is committed and good{(result.LogsTruncated ? ", the logs were truncated" : string.Empty)}, but the engine did not record the backup: {endFailure}");
                }

                return ExitCode(result);
            }
            catch (Exception e) when (e is EseException or BackupVerificationException or LogTruncationException or InvalidDataException or ExternalBackup.Chains.ChainBaseNotFoundException)
            {
                return console.Fail(CliConsole.Failed, $"backup failed: {e.Message}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or EngineSelectionException or NotSupportedException)
            {
                return console.Fail(e);
            }
            catch (Interop.Esent.EseLibraryException e)
            {
                // The native library cannot serve a call during the backup (an export that raises instead of returning).
                return console.Fail(CliConsole.Failed, $"backup failed: {e.Message}");
            }
            finally
            {
                (selected as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The exit code of a backup whose set was committed: 0, or <see cref="CliConsole.CommittedButNotRecorded"/> (3) when the engine did not record it.</summary>
    public static int ExitCode(BackupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.EndFailure is null ? CliConsole.Ok : CliConsole.CommittedButNotRecorded;
    }

    /// <summary>The fields of the JSON object the command prints with <c>--json</c> (<see cref="Json.BackupJson"/>).</summary>
    public static System.Text.Json.Nodes.JsonObject Describe(BackupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Json.BackupJson.Describe(result.Manifest, result.EndFailure);
    }

    /// <summary>The text report's note of single-bit errors corrected in the copy, or empty.</summary>
    public static string Corrections(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.EccCorrections.Count == 0
            ? string.Empty
            : $", {manifest.EccCorrections.Count} single-bit errors corrected in the copy ({string.Join(", ", manifest.EccCorrections.Take(4).Select(e => $"{e.Path} page {e.Page} offset {e.Offset} bit {e.Bit}"))}{(manifest.EccCorrections.Count > 4 ? ", ..." : string.Empty)})";
    }
}
