using System.CommandLine;
using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using ExternalBackup.Restore;

namespace ExternalBackup.Cli.Commands;

/// <summary><c>esebackup restore</c>: checks the sets of a destination, or restores a chain into a folder ready for ESE recovery.</summary>
public static class RestoreCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var from = new Option<string>("--from") { Description = "the destination: a folder of sets, tar:FILE (or tar:DIR, its archives), s3://bucket/prefix", Required = true };
        var to = new Option<string?>("--to") { Description = "an empty or missing folder to restore into (written beside it and renamed into place)" };
        var set = new Option<string?>("--set") { Description = "restore the chain ending with this set (default: the newest)" };
        var verifyOnly = new Option<bool>("--verify-only") { Description = "check every set (chain, files, sizes, SHA-256, pages and logs); restore nothing" };
        var json = new Option<bool>("--json") { Description = "print the restore plan (or the verification) as JSON" };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "for s3:// destinations: the endpoint URL (default: S3_ENDPOINT, then AWS)" };
        var s3Region = new Option<string?>("--s3-region") { Description = "for s3:// destinations: the region (default: S3_REGION, then us-east-1)" };
        var command = new Command("restore", "Restore a backup chain (full + incrementals) into a folder ready for ESE recovery")
        {
            from, to, set, verifyOnly, json, s3Endpoint, s3Region,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var log = CliLogging.Open(parse, console, parse.GetValue(json));
            var s3 = new S3Settings(Endpoint: parse.GetValue(s3Endpoint), Region: parse.GetValue(s3Region));
            if (parse.GetValue(verifyOnly))
            {
                return await VerifyDestination.RunAsync(console, parse.GetValue(from)!, parse.GetValue(set), parse.GetValue(json), s3, cancellationToken, log).ConfigureAwait(false);
            }

            try
            {
                if (parse.GetValue(to) is not { } target)
                {
                    return console.Fail(CliConsole.UsageOrIo, "restore needs --to (or --verify-only)");
                }

                await using var repository = RepositoryAddress.Open(parse.GetValue(from)!, s3, logger: log.Default);
                using var progress = CliProgress.Open(log, console, "restore");
                var plan = await ChainRestore.RestoreAsync(repository, target, parse.GetValue(set), new RestoreOptions { Logger = log.Default }, progress.Restore(), cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    console.WriteResult(true, Json.RestoreJson.Describe(plan, target));
                }
                else
                {
                    // One range per log stream: "logs 4..9", or "logs DB01 1..3, DB02 1..2" for a set of several components.
                    var logs = string.Join(", ", plan.LogStreams.Select(l => $"{(l.Component is null ? "" : l.Component + " ")}{l.GenLow}..{l.GenHigh}"));
                    console.Out.WriteLine($"restored {string.Join(" + ", plan.Sets)}: {plan.Databases.Count} databases, logs {logs} into {target}");
                }

                return CliConsole.Ok;
            }
            catch (InvalidDataException e)
            {
                return console.Fail(e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                return console.Fail(e);
            }
        });
        return command;
    }
}
