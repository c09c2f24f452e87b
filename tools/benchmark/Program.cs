namespace ExternalBackup.Benchmarks;

/// <summary>ebbench: throughput of the component as ratios to baselines measured in the same run.</summary>
public static class Program
{
    /// <summary>Entry point: <c>ebbench BENCHMARK [options]</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "verify":
                return await VerifyBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
            default:
                await Console.Error.WriteLineAsync("usage: ebbench verify [--size-gib N] [--page-size N] [--keep PATH]").ConfigureAwait(false);
                return 2;
        }
    }
}
