namespace ExternalBackup.Benchmarks;

/// <summary>ebbench: throughput of the component as ratios to baselines measured in the same run.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("ebbench: no benchmark selected yet");
        return 2;
    }
}
