using System.CommandLine;
using ExternalBackup.Restore;

namespace ExternalBackup.Cli.Commands;

/// <summary><c>esebackup restore</c>: checks a folder of sets, or restores a chain into a folder ready for ESE recovery.</summary>
public static class RestoreCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole console)
    {
        var from = new Option<string>("--from") { Description = "the folder of backup sets", Required = true };
        var to = new Option<string?>("--to") { Description = "an empty or missing folder to restore into" };
        var set = new Option<string?>("--set") { Description = "restore up to this set (default: the newest)" };
        var verifyOnly = new Option<bool>("--verify-only") { Description = "check every set's files against their manifests; restore nothing" };
        var json = new Option<bool>("--json") { Description = "print the restore plan as JSON" };
        var command = new Command("restore", "Restore a backup chain (full + incrementals) into a folder ready for ESE recovery")
        {
            from, to, set, verifyOnly, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (parse.GetValue(verifyOnly))
                {
                    var problems = await ChainRestore.VerifyAsync(parse.GetValue(from)!, parse.GetValue(set), cancellationToken).ConfigureAwait(false);
                    foreach (var problem in problems)
                    {
                        console.Error.WriteLine(problem);
                    }

                    console.Out.WriteLine(problems.Count == 0 ? "all sets intact" : $"{problems.Count} problems");
                    return problems.Count == 0 ? CliConsole.Ok : CliConsole.Failed;
                }

                if (parse.GetValue(to) is not { } target)
                {
                    return console.Fail(CliConsole.UsageOrIo, "restore needs --to (or --verify-only)");
                }

                var plan = await ChainRestore.RestoreAsync(parse.GetValue(from)!, target, parse.GetValue(set), cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    console.WriteJson(plan);
                }
                else
                {
                    console.Out.WriteLine($"restored {string.Join(" + ", plan.Sets)}: {plan.Databases.Count} databases, logs {plan.GenLow}..{plan.GenHigh} into {target}");
                }

                return CliConsole.Ok;
            }
            catch (InvalidDataException e)
            {
                return console.Fail(CliConsole.Failed, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return console.Fail(CliConsole.UsageOrIo, e.Message);
            }
        });
        return command;
    }
}
