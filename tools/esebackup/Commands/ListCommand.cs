using System.CommandLine;
using System.Globalization;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup list --from DEST [--json]</c>: every committed set of a destination, oldest first, with its kind,
/// time, instance, size, file and log counts, generations, the set it extends, and whether its chain is complete
/// back to a full set. Exit 0 when the sets could be listed, 1 when a manifest is malformed, 2 when the destination
/// cannot be read.
/// </summary>
public static class ListCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var from = new Option<string>("--from") { Description = "the destination: a folder of sets, tar:FILE (or tar:DIR), s3://bucket/prefix", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object (docs/json.md)" };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "for s3:// destinations: the endpoint URL (default: S3_ENDPOINT, then AWS)" };
        var s3Region = new Option<string?>("--s3-region") { Description = "for s3:// destinations: the region (default: S3_REGION, then us-east-1)" };
        var command = new Command("list", "List the backup sets of a destination and whether each chain is complete") { from, json, s3Endpoint, s3Region };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var log = Logging.CliLogging.Open(parse, console, parse.GetValue(json));
            try
            {
                await using var repository = RepositoryAddress.Open(parse.GetValue(from)!, new S3Settings(Endpoint: parse.GetValue(s3Endpoint), Region: parse.GetValue(s3Region)), logger: log.Default);
                var sets = await SetListing.ListAsync(repository, log.Default, cancellationToken).ConfigureAwait(false);
                var rows = Describe(sets);
                if (parse.GetValue(json))
                {
                    console.WriteResult(true, new { location = repository.Location, sets = rows });
                }
                else
                {
                    WriteText(console.Out, rows);
                }

                return CliConsole.Ok;
            }
            catch (InvalidDataException e)
            {
                return console.Fail(e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return console.Fail(e);
            }
        });
        return command;
    }

    /// <summary>One row per set, oldest first.</summary>
    public static IReadOnlyList<ListedSet> Describe(IReadOnlyList<StoredSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var rows = new List<ListedSet>(sets.Count);
        for (var i = 0; i < sets.Count; i++)
        {
            var m = sets[i].Manifest;
            string? chainProblem = null;
            BackupChain? chain = null;
            try
            {
                chain = BackupChain.Resolve([.. sets.Take(i + 1).Select(s => s.Manifest)]);
            }
            catch (InvalidDataException e)
            {
                chainProblem = e.Message;
            }

            rows.Add(new ListedSet(
                sets[i].Name,
                m.SetId,
                m.Kind.Name(),
                m.StartedUtc,
                m.CompletedUtc,
                m.Instance,
                m.Source,
                m.Producer,
                m.LogBaseName,
                m.Counts ?? SetCounts.Of([.. m.Files]),
                m.Files.Count,
                m.LogGenerations,
                m.Extends,
                m.Identity,
                chain is not null && sets[i].NameMatchesManifest,
                chain?.Full.SetId,
                chainProblem ?? (sets[i].NameMatchesManifest ? null : "the manifest does not belong to the folder that holds it")));
        }

        return rows;
    }

    private static void WriteText(TextWriter w, IReadOnlyList<ListedSet> rows)
    {
        var ci = CultureInfo.InvariantCulture;
        foreach (var r in rows)
        {
            var generations = r.LogGenerations is { } g ? string.Create(ci, $"logs {g.Low}..{g.High}") : "no logs";
            var extends = r.Extends is null ? "" : $", extends {r.Extends.SetId}";
            var signature = r.Identity?.LogSignature is { } sig ? $" (log signature {sig})" : string.Empty;
            var chain = r.ChainComplete ? $"chain complete from {r.ChainBase}" : $"CHAIN INCOMPLETE: {r.ChainProblem}";
            var c = r.Counts;
            w.WriteLine(string.Create(ci, $"{r.SetId}  {r.Kind}  {r.StartedUtc:yyyy-MM-dd HH:mm:ss}Z  {r.Instance}{signature}  {c.Bytes} bytes, {r.FileCount} files ({c.Databases} databases, {c.Logs} logs), {generations}{extends}; {chain}"));
        }

        w.WriteLine(string.Create(ci, $"{rows.Count} sets"));
    }
}

/// <summary>A set as <c>esebackup list</c> shows it, in the manifest's vocabulary (<c>docs/json.md</c>).</summary>
/// <param name="Name">Where it is stored (folder, key segment, archive folder).</param>
/// <param name="SetId">Its id.</param>
/// <param name="Kind">Full, incremental, copy or differential.</param>
/// <param name="StartedUtc">When the backup began.</param>
/// <param name="CompletedUtc">When the set was committed.</param>
/// <param name="Instance">The instance backed up.</param>
/// <param name="Source">What kind of source produced the bytes.</param>
/// <param name="Producer">Which engine or provider.</param>
/// <param name="LogBaseName">The log base name.</param>
/// <param name="Counts">What it holds (the manifest's counts; counted from its files for format 1 sets).</param>
/// <param name="FileCount">How many files it holds.</param>
/// <param name="LogGenerations">Its log generations.</param>
/// <param name="Extends">The set it extends.</param>
/// <param name="Identity">Who it belongs to: instance, log signature, each database's signature (format 2; <see langword="null"/> in format 1 sets).</param>
/// <param name="ChainComplete">Whether its chain reaches back to a full (or copy) set without a gap.</param>
/// <param name="ChainBase">The full set its chain starts with.</param>
/// <param name="ChainProblem">Why the chain is not complete.</param>
public sealed record ListedSet(
    string Name,
    string SetId,
    string Kind,
    DateTimeOffset StartedUtc,
    DateTimeOffset CompletedUtc,
    string Instance,
    string Source,
    string? Producer,
    string? LogBaseName,
    SetCounts Counts,
    int FileCount,
    LogGenerationRange? LogGenerations,
    SetReference? Extends,
    SetIdentity? Identity,
    bool ChainComplete,
    string? ChainBase,
    string? ChainProblem);
