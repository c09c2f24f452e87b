using System.Text.RegularExpressions;

namespace ExternalBackup.Tests.Common;

/// <summary>
/// The message lines of the command line's standard error: without its periodic progress lines (a redirected stderr
/// gets <c>esebackup: backup databases: 0 B of 64.0 MiB (0%), ...</c> at the start and every few seconds,
/// tools/esebackup/Progress) and without the JSON lines of events and progress that <c>--json</c> writes there
/// (<c>{"event":"log",...}</c>, docs/events.md): what a test of "one line per failure" counts.
/// </summary>
internal static partial class StandardErrorLines
{
    /// <summary>The message lines of <paramref name="stderr"/>, without the trailing empty line.</summary>
    public static string[] Messages(string stderr) =>
        [.. stderr.TrimEnd().Split('\n').Select(line => line.TrimEnd('\r')).Where(line => !ProgressLine().IsMatch(line) && !line.StartsWith("{\"event\":", StringComparison.Ordinal))];

    [GeneratedRegex(@"^esebackup: [a-z]+ [a-z]+: [0-9.]+ [KMGT]?i?B of ")]
    private static partial Regex ProgressLine();
}
