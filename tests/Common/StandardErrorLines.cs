using System.Text.RegularExpressions;

namespace ExternalBackup.Tests.Common;

/// <summary>
/// The lines of the command line's standard error other than its periodic progress lines (a redirected stderr gets
/// <c>esebackup: backup databases: 0 B of 64.0 MiB (0%), ...</c> at the start and every few seconds,
/// tools/esebackup/Progress): what a test of "one line per failure" counts.
/// </summary>
internal static partial class StandardErrorLines
{
    /// <summary>The non-progress lines of <paramref name="stderr"/>, without the trailing empty line.</summary>
    public static string[] WithoutProgress(string stderr) =>
        [.. stderr.TrimEnd().Split('\n').Select(line => line.TrimEnd('\r')).Where(line => !ProgressLine().IsMatch(line))];

    [GeneratedRegex(@"^esebackup: [a-z]+ [a-z]+: [0-9.]+ [KMGT]?i?B of ")]
    private static partial Regex ProgressLine();
}
