using System.Text.Json;
using ExternalBackup.Cli.Failures;
using ExternalBackup.Cli.Json;
using ExternalBackup.Manifest;

namespace ExternalBackup.Cli;

/// <summary>Where a command writes: its result on <see cref="Out"/>, diagnostics on <see cref="Error"/>.</summary>
public sealed class CliConsole(TextWriter output, TextWriter error)
{
    /// <summary>Exit code: success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the work failed (backup failed, corruption found).</summary>
    public const int Failed = 1;

    /// <summary>Exit code: usage or I/O error.</summary>
    public const int UsageOrIo = 2;

    /// <summary>
    /// Exit code: the set is committed (and the logs truncated) and good, but the engine did not record the backup
    /// (<c>JetEndExternalBackupInstance2</c> failed after the commit).
    /// </summary>
    public const int CommittedButNotRecorded = 3;

    /// <summary>Exit code: cancelled by SIGINT (Ctrl+C) or SIGTERM, after a clean abort (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>The command running, set by <see cref="GuardedAction"/>.</summary>
    internal string Command { get; set; } = "esebackup";

    /// <summary>Whether the running command was given <c>--json</c>: its failures are then JSON objects on <see cref="Out"/> too.</summary>
    internal bool Json { get; set; }

    /// <summary>Whether the running command has written its result object.</summary>
    internal bool ResultWritten { get; private set; }

    /// <summary>Writes one JSON object on standard output.</summary>
    public void WriteJson<T>(T value)
    {
        ResultWritten = true;
        Out.WriteLine(JsonSerializer.Serialize(value, ManifestJson.Options));
    }

    /// <summary>Writes the running command's result object (<see cref="CliJson.Result"/>): the envelope, then <paramref name="body"/>'s fields.</summary>
    public void WriteResult(bool ok, object body)
    {
        ResultWritten = true;
        Out.WriteLine(CliJson.Text(CliJson.Result(Command, ok, body)));
    }

    /// <summary>Writes an error line (no stack trace) and, with <c>--json</c>, the error object; returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message, string? code = null) =>
        Report(CliFailure.Of(exitCode, code ?? (exitCode == UsageOrIo ? FailureCodes.Usage : FailureCodes.BackupFailed), message));

    /// <summary>Reports <paramref name="exception"/> as <see cref="FailureMapping.Describe"/> maps it (one line, its exit code and code); returns the exit code.</summary>
    public int Fail(Exception exception) => Report(FailureMapping.Describe(exception));

    /// <summary>Reports <paramref name="failure"/>: one line on standard error, and with <c>--json</c> the error object on standard output (unless a result was written); returns its exit code.</summary>
    internal int Report(CliFailure failure)
    {
        Error.WriteLine($"esebackup: {failure.Message}");
        if (Json && !ResultWritten)
        {
            ResultWritten = true;
            Out.WriteLine(CliJson.Text(CliJson.Error(Command, failure)));
        }

        return failure.ExitCode;
    }
}
