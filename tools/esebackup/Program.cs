using System.CommandLine;
using ExternalBackup.Cli.Commands;

namespace ExternalBackup.Cli;

/// <summary>The esebackup command line: exit code 0 on success, 1 when the work failed (or anything is corrupt), 2 on usage or I/O errors.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args) => MainAsync(args).GetAwaiter().GetResult();

    /// <summary>Runs the command line with the given output writers (tests capture them).</summary>
    public static Task<int> MainAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var console = new CliConsole(output ?? Console.Out, error ?? Console.Error);
        var root = new RootCommand("esebackup: online backup, verification and restore of Microsoft ESE databases");
        root.Subcommands.Add(BackupCommand.Create(console));
        root.Subcommands.Add(RestoreCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(ListCommand.Create(console));
        root.Subcommands.Add(ForgetCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(SampleCommand.Create(console));
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors exit 2 (1 is reserved for "the work failed" and "something is corrupt").
            foreach (var problem in parseResult.Errors)
            {
                console.Error.WriteLine($"esebackup: {problem.Message}");
            }

            return Task.FromResult(CliConsole.UsageOrIo);
        }

        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        return parseResult.InvokeAsync(configuration);
    }
}
