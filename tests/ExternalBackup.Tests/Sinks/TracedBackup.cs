using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// Runs <c>esebackup backup</c> (the built <c>esebackup.dll</c> next to the tests) in a child process under
/// <c>strace</c>: either recording the file system calls of every thread, in the order they completed, or with
/// one system call turned into <c>SIGKILL</c> at its entry (<c>-e inject</c>: the call never runs, as when the
/// power goes).
/// </summary>
internal static partial class TracedBackup
{
    /// <summary>The calls the trace records: opens, writes, every kind of flush, renames.</summary>
    private const string TracedCalls = "openat,write,pwrite64,fsync,fdatasync,syncfs,sync_file_range,rename,renameat,renameat2";

    /// <summary>One completed system call: the thread, the call's name, the path of its first file argument (the file descriptor's path with <c>-y</c>, or the quoted path), and its result; <c>Line</c> is the call as a whole, its arguments and result joined when another thread interrupted it.</summary>
    internal sealed record Call(int Index, int Thread, string Name, string? Path, string Result, string Line);

    /// <summary>Runs the backup with every call of <see cref="TracedCalls"/> recorded; returns the exit code and the calls in completion order.</summary>
    public static Task<(int Exit, string Error, IReadOnlyList<Call> Calls)> RunAsync(string traceFile, params string[] backupArguments) =>
        RunCommandAsync(traceFile, "backup", backupArguments);

    /// <summary>As <see cref="RunAsync"/>, for another <c>esebackup</c> <paramref name="command"/> (<c>restore</c>).</summary>
    public static async Task<(int Exit, string Error, IReadOnlyList<Call> Calls)> RunCommandAsync(string traceFile, string command, params string[] arguments)
    {
        var (exit, error) = await RunStraceAsync(["-f", "-qq", "-y", "-e", $"trace={TracedCalls}", "-o", traceFile], arguments, command);
        return (exit, error, Parse(File.ReadAllLines(traceFile)));
    }

    /// <summary>
    /// Runs the backup and kills it (<c>SIGKILL</c>) on entry to the first call of <paramref name="calls"/> touching
    /// <paramref name="path"/>; returns the exit code and standard error.
    /// </summary>
    public static Task<(int Exit, string Error)> RunKilledAtAsync(string calls, string path, params string[] backupArguments) =>
        RunKilledAtAsync(calls, path, 1, backupArguments);

    /// <summary>As <see cref="RunKilledAtAsync(string, string, string[])"/>, at the <paramref name="occurrence"/>-th such call (1-based).</summary>
    public static Task<(int Exit, string Error)> RunKilledAtAsync(string calls, string path, int occurrence, params string[] backupArguments) =>
        RunStraceAsync(["-f", "-qq", "-o", "/dev/null", "-e", $"trace={calls}", "-e", $"inject={calls}:signal=KILL:when={occurrence}", "-P", path], backupArguments);

    /// <summary>
    /// Runs the backup and sends it <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) on entry to the first call of
    /// <paramref name="calls"/> touching <paramref name="path"/> (the call then runs); returns the exit code and standard error.
    /// </summary>
    public static Task<(int Exit, string Error)> RunSignalledAtAsync(string calls, string path, string signal, params string[] backupArguments) =>
        RunStraceAsync(["-f", "-qq", "-o", "/dev/null", "-e", $"trace={calls}", "-e", $"inject={calls}:signal={signal}:when=1", "-P", path], backupArguments);

    private static async Task<(int Exit, string Error)> RunStraceAsync(IEnumerable<string> options, string[] backupArguments, string command = "backup")
    {
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in options.Concat(["dotnet", Path.Combine(AppContext.BaseDirectory, "esebackup.dll"), command]).Concat(backupArguments))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new AssertionException("strace could not be started (install strace)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error + await output);
    }

    /// <summary>
    /// Parses <c>strace -f -y</c> output. A call another thread interrupted is printed as
    /// <c>PID name(args &lt;unfinished ...&gt;</c> and later <c>PID &lt;... name resumed&gt;rest</c>; it is
    /// recorded where it completed, which is what "durable before" needs.
    /// </summary>
    private static List<Call> Parse(string[] lines)
    {
        var calls = new List<Call>();
        var unfinished = new Dictionary<int, string>();
        foreach (var raw in lines)
        {
            var space = raw.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !int.TryParse(raw.AsSpan(0, space), out var thread))
            {
                continue;
            }

            var text = raw[(space + 1)..].TrimStart();
            if (text.EndsWith("<unfinished ...>", StringComparison.Ordinal))
            {
                unfinished[thread] = text[..^"<unfinished ...>".Length];
                continue;
            }

            if (Resumed().Match(text) is { Success: true } resumed)
            {
                if (!unfinished.Remove(thread, out var head))
                {
                    continue;
                }

                text = head + resumed.Groups["rest"].Value;
            }

            if (Completed().Match(text) is { Success: true } call)
            {
                var arguments = call.Groups["args"].Value;
                var path = FirstPath().Match(arguments) is { Success: true } p ? p.Groups["path"].Value : null;
                if (call.Groups["name"].Value == "openat" && Opened().Match(call.Groups["result"].Value) is { Success: true } opened)
                {
                    path = opened.Groups["path"].Value;
                }

                calls.Add(new Call(calls.Count, thread, call.Groups["name"].Value, path, call.Groups["result"].Value, text));
            }
        }

        return calls;
    }

    [GeneratedRegex(@"^<\.\.\. \w+ resumed>(?<rest>.*)$")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"^(?<name>\w+)\((?<args>.*)\)\s+= (?<result>.*)$")]
    private static partial Regex Completed();

    /// <summary>An fd shown with its path (<c>5&lt;/a/b&gt;</c>, <c>AT_FDCWD&lt;/a&gt;</c> is skipped) or a quoted absolute path, whichever comes first.</summary>
    [GeneratedRegex(@"^(?:AT_FDCWD<[^>]*>, )?(?:\d+<(?<path>[^>]*)>|""(?<path>/[^""]*)"")")]
    private static partial Regex FirstPath();

    [GeneratedRegex(@"^\d+<(?<path>[^>]*)>")]
    private static partial Regex Opened();
}
