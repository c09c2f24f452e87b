using System.CommandLine;
using ExternalBackup.Cli.Commands;

namespace ExternalBackup.Cli;

/// <summary>The esebackup command line.</summary>
public static class Program
{
    /// <summary>Runs the command line; the exit code is 0 only on success.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("esebackup: online backup, verification and restore of Microsoft ESE databases");
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors exit 2 (1 is reserved for "something is corrupt/failed").
            foreach (var error in parseResult.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            return 2;
        }

        return parseResult.Invoke();
    }
}
