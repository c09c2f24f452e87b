using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;

#pragma warning disable CA1050 // the runtime looks for a type named StartupHook outside any namespace
/// <summary>
/// Run in a child process as a .NET startup hook of esebackup (<c>DOTNET_STARTUP_HOOKS</c> naming this test
/// assembly) when <see cref="DestinationVariable"/> is set: takes and releases the directory sink's lock of that
/// destination again and again (a given number of times), and while it holds it, creates the witness file with <see cref="FileMode.CreateNew"/>
/// (which fails if another holder's witness is there), deletes it and releases. It starts when its standard input
/// ends, so that every racer starts at once. Prints its counts and exits 0 only
/// if it never met another holder and every refusal was the lock's own.
/// </summary>
internal static class StartupHook
{
    /// <summary>The destination both processes race for.</summary>
    public const string DestinationVariable = "EB_LOCK_RACE_DESTINATION";

    /// <summary>How many times to take the lock (trying at most a thousand times as often).</summary>
    public const string HoldsVariable = "EB_LOCK_RACE_HOLDS";

    /// <summary>The file only a holder of the lock may create.</summary>
    public const string WitnessVariable = "EB_LOCK_RACE_WITNESS";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(DestinationVariable) is not { Length: > 0 } destination)
        {
            return;
        }

        var holds = int.Parse(Environment.GetEnvironmentVariable(HoldsVariable)!, System.Globalization.CultureInfo.InvariantCulture);
        var witness = Environment.GetEnvironmentVariable(WitnessVariable)!;
        // The start line: the test closes every racer's standard input once all of them are running.
        _ = Console.In.ReadToEnd();
        var (held, refused, overlaps, errors) = (0, 0, 0, 0);
        for (var i = 0; held < holds && i < holds * 1000; i++)
        {
            var sink = new DirectorySink(destination, new DirectorySinkOptions { FlushToDisk = false });
            try
            {
                sink.BeginSetAsync(new BackupSetDescriptor($"p{Environment.ProcessId}-{i}", BackupKind.Full, DateTimeOffset.UnixEpoch, "race"), default).AsTask().GetAwaiter().GetResult();
            }
            catch (IOException e) when (e.Message.StartsWith("another backup is writing", StringComparison.Ordinal))
            {
                refused++;
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors++;
                Console.Error.WriteLine($"attempt {i}: {e.Message}");
                continue;
            }

            held++;
            try
            {
                using (new FileStream(witness, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1))
                {
                }

                File.Delete(witness);
            }
            catch (IOException e)
            {
                overlaps++;
                Console.Error.WriteLine($"attempt {i}: another process held the lock too ({e.Message})");
            }

            try
            {
                sink.AbortAsync(default).AsTask().GetAwaiter().GetResult();
                sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors++;
                Console.Error.WriteLine($"attempt {i}: releasing: {e.Message}");
            }
        }

        Console.Out.WriteLine($"held {held} refused {refused} overlaps {overlaps} errors {errors}");
        Console.Out.Flush();
        Console.Error.Flush();
        Environment.Exit(overlaps + errors == 0 ? 0 : 1);
    }
}
