using System.Text.Json;
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

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Writes one JSON object on standard output.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, ManifestJson.Options));

    /// <summary>Writes an error line (no stack trace) and returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"esebackup: {message}");
        return exitCode;
    }
}
