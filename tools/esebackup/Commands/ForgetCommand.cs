using System.CommandLine;
using System.Globalization;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Retention;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup forget --from DEST --keep-last N --keep-daily N --keep-weekly N --keep-monthly N [--dry-run] [--json]</c>:
/// removes the sets the policy (<see cref="RetentionPolicy"/>, restic's rules per instance) does not keep and no kept
/// set's chain needs, newest first, each manifest first, under the destination's lock; cleans what interrupted backups
/// and removals left. Prints each set kept or removed and why. Exit 0 when done, 1 when a removal failed part-way
/// (every set left is whole), 2 on usage or I/O errors (a locked destination, no policy, tar:FILE).
/// </summary>
public static class ForgetCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var from = new Option<string>("--from") { Description = "the destination: a folder of sets, tar:DIR (one archive per set), s3://bucket/prefix", Required = true };
        var keepLast = new Option<int>("--keep-last") { Description = "keep the N most recent sets of each instance" };
        var keepDaily = new Option<int>("--keep-daily") { Description = "keep the most recent set of each of the last N days (UTC) that have sets" };
        var keepWeekly = new Option<int>("--keep-weekly") { Description = "keep the most recent set of each of the last N ISO weeks (UTC) that have sets" };
        var keepMonthly = new Option<int>("--keep-monthly") { Description = "keep the most recent set of each of the last N months (UTC) that have sets" };
        var dryRun = new Option<bool>("--dry-run") { Description = "say what would be kept and removed; remove nothing" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "for s3:// destinations: the endpoint URL (default: S3_ENDPOINT, then AWS)" };
        var s3Region = new Option<string?>("--s3-region") { Description = "for s3:// destinations: the region (default: S3_REGION, then us-east-1)" };
        var command = new Command("forget", "Remove the sets a retention policy does not keep; every kept set keeps its whole chain")
        {
            from, keepLast, keepDaily, keepWeekly, keepMonthly, dryRun, json, s3Endpoint, s3Region,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var policy = new RetentionPolicy
            {
                KeepLast = parse.GetValue(keepLast),
                KeepDaily = parse.GetValue(keepDaily),
                KeepWeekly = parse.GetValue(keepWeekly),
                KeepMonthly = parse.GetValue(keepMonthly),
            };
            try
            {
                policy.Validate();
                if (policy.IsEmpty)
                {
                    return console.Fail(CliConsole.UsageOrIo, "forget: give at least one --keep-last, --keep-daily, --keep-weekly or --keep-monthly of 1 or more; nothing was removed");
                }

                await using var repository = RepositoryAddress.Open(parse.GetValue(from)!, new S3Settings(Endpoint: parse.GetValue(s3Endpoint), Region: parse.GetValue(s3Region)));
                var remover = repository as IBackupSetRemover
                    ?? throw new NotSupportedException($"{repository.Location}: this destination cannot remove sets");
                var result = await Forget.RunAsync(repository, remover, policy, parse.GetValue(dryRun), null, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    console.WriteJson(Describe(result));
                }
                else
                {
                    WriteText(console.Out, result);
                }

                return CliConsole.Ok;
            }
            catch (InvalidDataException e)
            {
                return console.Fail(CliConsole.Failed, $"forget stopped: {e.Message}; every set left in the destination is whole");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or NotSupportedException or Amazon.Runtime.AmazonClientException or HttpRequestException or Polly.Timeout.TimeoutRejectedException)
            {
                return console.Fail(CliConsole.UsageOrIo, e.Message);
            }
        });
        return command;
    }

    /// <summary>The JSON <c>--json</c> prints.</summary>
    public static ForgetReport Describe(ForgetResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var removed = result.Removed.ToHashSet(StringComparer.Ordinal);
        return new ForgetReport(
            result.DryRun,
            [.. result.Plan.Decisions.Select(d => new ForgetDecision(
                d.Set.Name,
                d.Set.Manifest.SetId,
                d.Set.Manifest.Kind.Name(),
                d.Set.Manifest.StartedUtc,
                d.Set.Manifest.Instance,
                d.Keep ? "keep" : removed.Contains(d.Set.Name) ? "removed" : "remove",
                d.Reasons))],
            result.Swept);
    }

    private static void WriteText(TextWriter w, ForgetResult result)
    {
        var ci = CultureInfo.InvariantCulture;
        var report = Describe(result);
        foreach (var line in result.Swept)
        {
            w.WriteLine($"cleaned: {line}");
        }

        foreach (var d in report.Sets)
        {
            w.WriteLine(string.Create(ci, $"{d.Action,-7} {d.Name}  {d.Kind}  {d.StartedUtc:yyyy-MM-dd HH:mm:ss}Z  {d.Instance}: {string.Join("; ", d.Reasons)}"));
        }

        var kept = report.Sets.Count(s => s.Action == "keep");
        w.WriteLine(result.DryRun
            ? string.Create(ci, $"dry run: {kept} sets would be kept, {report.Sets.Count - kept} removed; nothing was removed")
            : string.Create(ci, $"{kept} sets kept, {result.Removed.Count} removed"));
    }
}

/// <summary>What <c>esebackup forget --json</c> prints.</summary>
/// <param name="DryRun">Whether nothing was removed on purpose.</param>
/// <param name="Sets">Every set, oldest first.</param>
/// <param name="Cleaned">Leftovers of interrupted backups and removals that were cleaned.</param>
public sealed record ForgetReport(bool DryRun, IReadOnlyList<ForgetDecision> Sets, IReadOnlyList<string> Cleaned);

/// <summary>One set as <c>esebackup forget</c> reports it.</summary>
/// <param name="Name">Where it is stored.</param>
/// <param name="SetId">Its id.</param>
/// <param name="Kind">Full, incremental, copy or differential.</param>
/// <param name="StartedUtc">When its backup began (the time the policy's buckets use).</param>
/// <param name="Instance">Its instance (the policy's group).</param>
/// <param name="Action">"keep", "removed", or "remove" (a dry run).</param>
/// <param name="Reasons">Why.</param>
public sealed record ForgetDecision(string Name, string SetId, string Kind, DateTimeOffset StartedUtc, string Instance, string Action, IReadOnlyList<string> Reasons);
