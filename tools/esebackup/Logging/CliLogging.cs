using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Cli.Logging;

/// <summary>
/// The root options every command takes: <c>-v</c>/<c>--verbose</c> (every step event), <c>--quiet</c> (no log, no
/// progress: only the command's result and its one-line error), <c>--log-level</c>. Without them standard error shows
/// warnings (retries, corrected bits, cleanup failures); failures are the command's own one-line message.
/// </summary>
public static class CliLogging
{
    /// <summary>The name of the verbose option.</summary>
    public const string VerboseName = "--verbose";

    /// <summary>The name of the quiet option.</summary>
    public const string QuietName = "--quiet";

    /// <summary>The name of the log level option.</summary>
    public const string LogLevelName = "--log-level";

    /// <summary>The levels <c>--log-level</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Levels = ["trace", "debug", "information", "warning", "error", "none"];

    /// <summary>Adds the options to <paramref name="root"/>, for it and every subcommand.</summary>
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var verbose = new Option<bool>(VerboseName, "-v") { Description = "log every step (information events: files with size and SHA-256, log range, commit, truncation, result) on standard error", Recursive = true };
        var quiet = new Option<bool>(QuietName, "-q") { Description = "no progress and no log on standard error: only the result, and one line when something fails", Recursive = true };
        var level = new Option<string?>(LogLevelName) { Description = "the lowest level logged on standard error (default: warning; with -v: information)", Recursive = true };
        level.AcceptOnlyFromAmong([.. Levels]);
        root.Options.Add(verbose);
        root.Options.Add(quiet);
        root.Options.Add(level);
        quiet.Validators.Add(result =>
        {
            if (result.GetValue(quiet) && (result.GetValue(verbose) || result.GetValue(level) is not null))
            {
                result.AddError($"{QuietName} cannot be combined with {VerboseName} or {LogLevelName}");
            }
        });
    }

    /// <summary>The log and standard error lines of one command run, as its root options say.</summary>
    public static CliLog Open(ParseResult parse, CliConsole console, bool json)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(console);
        var quiet = parse.GetValue<bool>(QuietName);
        var named = parse.GetValue<string?>(LogLevelName);
        var verbose = parse.GetValue<bool>(VerboseName);
        var level = quiet ? LogLevel.None : named is not null ? Parse(named) : verbose ? LogLevel.Information : LogLevel.Warning;
        // Without a level asked for, failures are the command's own line: error events would say it twice.
        var showErrors = named is not null || verbose;
        return new CliLog(new StderrLines(console.Error), level, showErrors, quiet, json);
    }

    /// <summary>A level's name as <c>--log-level</c> takes it.</summary>
    public static LogLevel Parse(string name) => name switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" => LogLevel.Information,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "none" => LogLevel.None,
        _ => throw new ArgumentException($"unknown log level '{name}' (one of {string.Join(", ", Levels)})", nameof(name)),
    };
}
