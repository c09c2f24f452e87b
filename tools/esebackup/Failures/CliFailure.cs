namespace ExternalBackup.Cli.Failures;

/// <summary>
/// One failure as the command line reports it: the exit code, a stable camelCase code for scripts (the <c>error.code</c>
/// of the JSON output, listed in <c>docs/json.md</c>), and the one line <c>esebackup: &lt;what failed&gt;: &lt;why&gt;</c>
/// without the prefix. Never a stack trace.
/// </summary>
/// <param name="ExitCode">The process exit code (<see cref="CliConsole"/>'s constants).</param>
/// <param name="Code">The stable code, one of <see cref="FailureCodes"/>.</param>
/// <param name="Message">What failed and why, one line.</param>
public sealed record CliFailure(int ExitCode, string Code, string Message)
{
    /// <summary>A failure whose message is made one line (line breaks become "; ").</summary>
    public static CliFailure Of(int exitCode, string code, string message) => new(exitCode, code, OneLine(message));

    /// <summary><paramref name="text"/> on one line: line breaks and the whitespace around them become "; ".</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("; ", lines);
    }
}
