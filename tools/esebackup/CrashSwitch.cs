using ExternalBackup.Pipeline;

namespace ExternalBackup.Cli;

/// <summary>
/// Crash testing: with <c>ESEBACKUP_CRASH_AFTER_BYTES=N</c> in the environment the process dies abruptly
/// (<see cref="Environment.FailFast(string)"/>: no finally blocks, no cleanup, like kill -9 or a power cut) once N
/// bytes have been copied. Tests use it to prove that a destination survives a crash mid-backup.
/// </summary>
public static class CrashSwitch
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "ESEBACKUP_CRASH_AFTER_BYTES";

    /// <summary>A progress observer that crashes the process, or <see langword="null"/> when the variable is not set.</summary>
    public static IProgress<BackupProgress>? FromEnvironment() =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.CultureInfo.InvariantCulture, out var limit)
            ? new Crash(limit)
            : null;

    private sealed class Crash(long limit) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            if (value.BytesDone >= limit)
            {
                Environment.FailFast($"{Variable}={limit}: crashing after {value.BytesDone} bytes, as asked");
            }
        }
    }
}
