namespace ExternalBackup.Benchmarks;

/// <summary>
/// ebbench: throughput of the component as ratios to baselines measured in the same run, plus peak memory.
/// <c>ebbench BENCHMARK [options]</c>; run with <c>dotnet run -c Release --project tools/benchmark -- BENCHMARK</c>.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: ebbench BENCHMARK [options]
          backup   [--size-gib 2] [--runs 3] [--logs-only]  streaming backup into a folder vs cp, cp+sync, sha256sum, memory copy; peak RSS; --logs-only: the 256-log row alone;
                   the log row cold (a fresh child: JIT and first use, the figure compared with cp) and warm (agent process: the child's second backup)
                   children run this benchmark's own build (dotnet run: JIT, not ReadyToRun; the published CLI is ReadyToRun, so a CLI run starts faster than the cold figure)
          verify   [--size-gib N] [--page-size N] verifying a database vs a plain read-and-sum of the same bytes
          native   [--instance DIR] [--rounds 3] the native binding over the C fixture vs the in-process model, same files
          s3       [--file-mib 64] [--files 4] [--part-mib N] [--concurrency N] [--rounds 1] [--warmup 1] [--expect-continue] [--local-journal] [--running]  S3 sink to a private local Swift vs a PutObject loop
          restore  [--size-mib 1024] [--logs 64] [--rounds 3] [--s3]  restore from a folder vs cp -r && sync, from S3 vs a GetObject loop; peak RSS
          snapshot [options]                    frozen-folder backup with inline verification vs without (see SnapshotBenchmark)
        """;

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "backup":
                return await BackupBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
            case "backup-child":
                return await BackupBenchmark.RunChildAsync(args[1..]).ConfigureAwait(false);
            case "verify":
                return await VerifyBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
            case "s3":
                return await S3Benchmark.RunCommandAsync(args[1..]).ConfigureAwait(false);
            case "restore":
                return await RestoreBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
            case "restore-child":
                return await RestoreBenchmark.RunChildAsync(args[1..]).ConfigureAwait(false);
            case "snapshot":
                return await SnapshotBenchmark.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
            case "native":
                return await RunNativeAsync(args[1..]).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task<int> RunNativeAsync(string[] args)
    {
        var work = Path.Combine(Path.GetTempPath(), $"ebbench-native-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            var instance = OptionValue(args, "--instance");
            if (instance is null)
            {
                instance = Path.Combine(work, "instance");
                await ExternalBackup.Testing.Synthesis.SyntheticInstanceWriter.WriteAsync(instance, new ExternalBackup.Testing.Synthesis.SyntheticInstanceOptions
                {
                    Databases = [("ntds.dit", new ExternalBackup.Testing.Synthesis.SyntheticDatabaseOptions { PageCount = 65536 })],
                }).ConfigureAwait(false);
            }

            var rounds = int.Parse(OptionValue(args, "--rounds") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
            var result = await NativePathBenchmark.RunAsync(new NativePathBenchmarkOptions { InstanceFolder = instance, WorkFolder = Path.Combine(work, "run"), Rounds = rounds }).ConfigureAwait(false);
            Console.WriteLine(result);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string? OptionValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
