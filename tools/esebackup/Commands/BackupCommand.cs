using System.CommandLine;
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
        var engine = new Option<string>("--engine") { Description = "model: the in-process engine model serving --instance; native: esent.dll or an ESE library for Linux", DefaultValueFactory = _ => "model" };
        engine.AcceptOnlyFromAmong("model", "native");
        var instance = new Option<string?>("--instance") { Description = "the instance folder (databases, logs, checkpoint) for --engine model" };
        var to = new Option<string>("--to") { Description = "the destination: a folder, s3://bucket/prefix, tar:FILE or tar:-", Required = true };
        var kind = new Option<string>("--kind") { Description = "full, incremental, copy or differential", DefaultValueFactory = _ => "full" };
        kind.AcceptOnlyFromAmong("full", "incremental", "copy", "differential");
        var json = new Option<bool>("--json") { Description = "print one JSON object describing the set at the end" };
        var createDestination = new Option<bool>("--create-destination") { Description = "create the destination folder if it does not exist" };
        var verify = new Option<bool>("--verify-stream") { Description = "check every page and log on this side of the engine while streaming (default on)", DefaultValueFactory = _ => true };
        var command = new Command("backup", "Back up an ESE instance online through the external backup API")
        {
            engine, instance, to, kind, json, createDestination, verify,
        };
        foreach (var option in EngineSelection.Options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var backupKind = Enum.Parse<BackupKind>(parse.GetValue(kind)!, ignoreCase: true);
            IExternalBackupEngine? selected = null;
            try
            {
                selected = EngineSelection.Open(parse.GetValue(engine)!, parse.GetValue(instance), parse);
                await using var sink = SinkAddress.Create(parse.GetValue(to)!, new SinkAddressOptions { CreateDestination = parse.GetValue(createDestination) });
                var options = parse.GetValue(verify) ? new StreamingBackupOptions() : new StreamingBackupOptions { CreateVerifier = null };
                var result = await new StreamingBackup(selected, sink, options).RunAsync(backupKind, CrashSwitch.FromEnvironment(), cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    console.WriteJson(Describe(result));
                }
                else
                {
                    var m = result.Manifest;
                    console.Out.WriteLine($"{m.SetId}: {m.Kind.Name()} backup of {m.Instance}, {m.Files.Count} files, {m.Files.Sum(f => f.Bytes)} bytes, logs {m.LogGenerations?.Low}..{m.LogGenerations?.High}{(result.LogsTruncated ? ", logs truncated" : string.Empty)}");
                }

                return CliConsole.Ok;
            }
            catch (OperationCanceledException)
            {
                return console.Fail(CliConsole.Failed, "backup cancelled; the engine's backup was ended with abort and nothing was truncated");
            }
            catch (Exception e) when (e is EseException or BackupVerificationException or LogTruncationException or InvalidDataException)
            {
                return console.Fail(CliConsole.Failed, $"backup failed: {e.Message}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or EngineSelectionException or NotSupportedException)
            {
                return console.Fail(CliConsole.UsageOrIo, e.Message);
            }
            finally
            {
                (selected as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The JSON the command prints with <c>--json</c>.</summary>
    public static object Describe(BackupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var m = result.Manifest;
        return new
        {
            setId = m.SetId,
            kind = m.Kind,
            instance = m.Instance,
            source = m.Source,
            logsTruncated = result.LogsTruncated,
            logGenerations = m.LogGenerations is { } g ? new { low = g.Low, high = g.High } : null,
            extends = m.Extends?.SetId,
            files = m.Files.Select(f => new { path = f.Path, kind = f.Kind, bytes = f.Bytes, sha256 = f.Sha256, sourcePath = f.SourcePath }),
        };
    }
}
