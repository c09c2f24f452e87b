using System.Text.Json.Nodes;
using ExternalBackup.Cli.Logging;
using ExternalBackup.Cli.Progress;
using ExternalBackup.Restore;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// Verification of a whole destination, shared by <c>restore --verify-only</c> and <c>verify DEST</c>: exit 0 when
/// there was something to verify and all of it is intact, 1 when there is nothing to verify, a chain is broken, a
/// manifest does not belong to its folder, or a file is missing or damaged; 2 on usage errors.
/// </summary>
public static class VerifyDestination
{
    /// <summary>Verifies <paramref name="from"/> (or the chain of <paramref name="setId"/>) and prints the result.</summary>
    public static async Task<int> RunAsync(CliConsole console, string from, string? setId, bool json, S3Settings? s3, CancellationToken cancellationToken, CliLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        RepositoryVerification result;
        try
        {
            await using var repository = RepositoryAddress.Open(from, s3, logger: log?.Default);
            using var progress = log is null ? new CliProgress(null, "verify") : CliProgress.Open(log, console, "verify");
            result = await ChainRestore.VerifyAsync(repository, setId, new RestoreOptions { Logger = log?.Default ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance }, progress.Verification(), cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return console.Fail(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing could be read: nothing is verified.
            result = new RepositoryVerification(from, [], [e.Message]);
        }

        if (json)
        {
            console.WriteResult(result.Ok, ToJson(result));
        }
        else
        {
            foreach (var set in result.Sets)
            {
                console.Out.WriteLine($"{set.Name}: {set.Kind}, {set.Files} files, {set.Bytes} bytes - {(set.Ok ? "intact" : "DAMAGED")}");
            }

            console.Out.WriteLine(result.Ok ? $"all {result.Sets.Count} sets intact" : $"{result.AllProblems.Count()} problems");
        }

        foreach (var problem in result.AllProblems)
        {
            console.Error.WriteLine(problem);
        }

        return result.Ok ? CliConsole.Ok : CliConsole.Failed;
    }

    /// <summary>Problems of a destination (one line each) as the vocabulary's problem objects, with only <c>severity</c> and <c>cause</c> known.</summary>
    private static JsonArray Problems(IEnumerable<string> problems) =>
        new([.. problems.Select(p => (JsonNode)new JsonObject
        {
            ["path"] = null,
            ["severity"] = "error",
            ["cause"] = p,
            ["page"] = null,
            ["generation"] = null,
            ["offset"] = null,
        })]);

    /// <summary>The fields of the JSON object <c>--json</c> prints (after the envelope, <c>ok</c> being <see cref="RepositoryVerification.Ok"/>).</summary>
    public static JsonObject ToJson(RepositoryVerification result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["location"] = result.Location,
            ["sets"] = new JsonArray([.. result.Sets.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["setId"] = s.SetId,
                ["kind"] = s.Kind,
                ["fileCount"] = s.Files,
                ["bytes"] = s.Bytes,
                ["ok"] = s.Ok,
                ["problems"] = Problems(s.Problems),
            })]),
            ["problems"] = Problems(result.Problems),
        };
    }
}
