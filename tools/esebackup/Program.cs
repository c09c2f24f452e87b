using System.CommandLine;
using ExternalBackup.Cli.Commands;

namespace ExternalBackup.Cli;

/// <summary>The esebackup command line: exit code 0 on success, 1 when the work failed, 2 on usage or I/O errors.</summary>
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
        root.Subcommands.Add(SampleCommand.Create(console));
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        return root.Parse(args).InvokeAsync(configuration);
    }
}
