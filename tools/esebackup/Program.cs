using System.CommandLine;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Cli.Failures;

namespace ExternalBackup.Cli;

/// <summary>The esebackup command line: exit code 0 on success, 1 when the work failed (or anything is corrupt), 2 on usage or I/O errors, 130 when cancelled by Ctrl+C.</summary>
public static class Program
{
    /// <summary>Runs the command line; SIGINT and SIGTERM cancel the command (<see cref="TerminationSignals"/>).</summary>
    public static int Main(string[] args)
    {
        using var signals = new TerminationSignals();
        return MainAsync(args, cancellationToken: signals.Token).GetAwaiter().GetResult();
    }

    /// <summary>Runs the command line with the given output writers (tests capture them).</summary>
    public static Task<int> MainAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output ?? Console.Out, error ?? Console.Error);
        var root = new RootCommand("esebackup: online backup, verification and restore of Microsoft ESE databases");
        root.Subcommands.Add(BackupCommand.Create(console));
        root.Subcommands.Add(RestoreCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(ListCommand.Create(console));
        root.Subcommands.Add(ForgetCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(SampleCommand.Create(console));
        Logging.CliLogging.AddTo(root);
        GuardedAction.Protect(root, console);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors exit 2 (1 is reserved for "the work failed" and "something is corrupt").
            console.Command = parseResult.CommandResult.Command.Name;
            console.Json = args.Contains("--json");
            return Task.FromResult(console.Report(CliFailure.Of(CliConsole.UsageOrIo, FailureCodes.Usage, string.Join("; ", parseResult.Errors.Select(p => p.Message)))));
        }

        // Signals are handled by Main (TerminationSignals), failures by GuardedAction: no default handler prints a stack trace.
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
