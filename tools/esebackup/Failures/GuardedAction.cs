using System.CommandLine;
using System.CommandLine.Invocation;

namespace ExternalBackup.Cli.Failures;

/// <summary>
/// Runs a command's action so that nothing but one line and an exit code leaves it: options that do not apply are
/// refused first (<see cref="OptionRules"/>, exit 2); an exception becomes <see cref="FailureMapping.Map"/>'s line
/// and exit code; a cancellation by SIGINT or SIGTERM, once the command has unwound (engine backup aborted, staging
/// removed), becomes the line saying what was left as it was and exit 130. With <c>--json</c> a failure is also the
/// command's one result object on standard output (<see cref="Json.CliJson.Error"/>).
/// </summary>
public sealed class GuardedAction(CommandLineAction inner, CliConsole console) : AsynchronousCommandLineAction
{
    /// <summary>Puts every subcommand of <paramref name="root"/> that has an action behind a <see cref="GuardedAction"/>.</summary>
    public static void Protect(Command root, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var command in root.Subcommands)
        {
            if (command.Action is { } action and not GuardedAction)
            {
                command.Action = new GuardedAction(action, console);
            }
        }
    }

    /// <inheritdoc />
    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var command = parseResult.CommandResult.Command;
        console.Command = command.Name;
        console.Json = command.Options.FirstOrDefault(o => o.Name == "--json") is Option<bool> json && parseResult.GetValue(json);
        var what = Describe(parseResult);
        if (OptionRules.Check(parseResult) is { } refusal)
        {
            return console.Report(CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Usage, refusal));
        }

        try
        {
            return inner switch
            {
                AsynchronousCommandLineAction asynchronous => await asynchronous.InvokeAsync(parseResult, cancellationToken).ConfigureAwait(false),
                SynchronousCommandLineAction synchronous => synchronous.Invoke(parseResult),
                _ => throw new InvalidOperationException($"unknown action {inner.GetType().Name}"),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return console.Report(CliFailure.Of(CliConsole.Cancelled, FailureCodes.Cancelled, Cancelled(parseResult)));
        }
        catch (Exception e)
        {
            return console.Report(FailureMapping.Map(e, what));
        }
    }

    /// <summary>What the command was doing, for the start of its failure line (e.g. <c>backup to s3://b/p</c>).</summary>
    public static string Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var name = parse.CommandResult.Command.Name;
        return name switch
        {
            "backup" => $"backup to {Text(parse, "--to")}",
            "restore" when VerifyOnly(parse) => $"verify {Text(parse, "--from")}",
            "restore" => $"restore from {Text(parse, "--from")}",
            "list" => $"list {Text(parse, "--from")}",
            "verify" or "inspect" => $"{name} {string.Join(' ', parse.CommandResult.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument).Select(t => t.Value))}".TrimEnd(),
            _ => name,
        };
    }

    private static string Cancelled(ParseResult parse) => parse.CommandResult.Command.Name switch
    {
        "backup" => $"cancelled: the backup was aborted; nothing was truncated and {Text(parse, "--to")} is as it was",
        "restore" when !VerifyOnly(parse) && Text(parse, "--to") is { } target => $"cancelled: the restore was abandoned; {target} is as it was",
        "sample" => "cancelled: the sample was stopped",
        _ => "cancelled: nothing was changed",
    };

    private static bool VerifyOnly(ParseResult parse) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--verify-only") is Option<bool> verifyOnly && parse.GetValue(verifyOnly);

    private static string? Text(ParseResult parse, string option) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == option) is Option<string> typed ? parse.GetValue(typed) : null;
}
