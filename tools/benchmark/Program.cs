namespace ExternalBackup.Benchmarks;

/// <summary>
/// ebbench: throughput of the component as ratios to baselines measured in the same run, plus peak memory.
/// <c>ebbench BENCHMARK [options]</c>; run with <c>dotnet run -c Release --project tools/benchmark -- BENCHMARK</c>.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: ebbench BENCHMARK [options]
          backup   [--size-gib 2] [--runs 3]   streaming backup into a folder vs cp, cp+sync, sha256sum, memory copy; peak RSS
          s3       [--file-mib 64] [--files 4] [--part-mib 8] [--concurrency 4]   S3 sink to a private local Swift vs a PutObject loop
        """;

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "backup":
                return await BackupBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
            case "s3":
                return await S3Benchmark.RunCommandAsync(args[1..]).ConfigureAwait(false);
            case "backup-child":
                return await BackupBenchmark.RunChildAsync(args[1..]).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }
}
