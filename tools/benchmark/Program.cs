namespace ExternalBackup.Benchmarks;

/// <summary>ebbench: throughput of the component as ratios to baselines measured in the same run.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "snapshot")
        {
            return SnapshotBenchmark.RunAsync(args[1..], Console.Out).GetAwaiter().GetResult();
        }

        Console.Error.WriteLine("ebbench: no benchmark selected yet");
        return 2;
    }
}
