using System.CommandLine;

namespace ExternalBackup.Cli;

/// <summary>The esebackup command line.</summary>
public static class Program
{
    /// <summary>Runs the command line; the exit code is 0 only on success.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("esebackup: online backup, verification and restore of Microsoft ESE databases");
        return root.Parse(args).Invoke();
    }
}
