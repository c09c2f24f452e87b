using System.Diagnostics;
using System.Globalization;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Snapshots;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Benchmarks;

/// <summary>
/// <c>ebbench snapshot [--megabytes N] [--runs N] [--enforce]</c>: the cost of inline verification in the frozen-folder
/// source. Writes a synthetic instance (one database of N MiB with ECC pages, its logs and checkpoint), then backs it up
/// into a <see cref="NullSink"/> alternately with and without verification, and reports the median throughput of each
/// and the cost (1 - verified / unverified). The files are in the page cache after the first pass, so this measures
/// the CPU side, where verification weighs most. Budget: at most 10% (issue 5); <c>--enforce</c> exits 1 over budget.
/// </summary>
public static class SnapshotBenchmark
{
    /// <summary>The budget: verification may cost at most this fraction of throughput.</summary>
    public const double Budget = 0.10;

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var megabytes = Option(args, "--megabytes", 256);
        var runs = Option(args, "--runs", 5);
        var enforce = args.Contains("--enforce");
        var folder = Path.Combine(Path.GetTempPath(), $"ebbench-snapshot-{Environment.ProcessId}");
        try
        {
            await SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
            {
                Databases = [("bench.edb", new SyntheticDatabaseOptions { PageCount = megabytes * 256L, ZeroPageFraction = 0.0 })],
            }, cancellationToken).ConfigureAwait(false);
            var layout = FrozenFolderLayout.Single(folder);
            var format = new EseFrozenFileFormat();
            long bytes = 0;
            async Task<TimeSpan> Pass(bool verify)
            {
                var sink = new NullSink();
                var backup = new FrozenFolderBackup(new FrozenFolderSource(format, new FrozenFolderSourceOptions { Verify = verify }));
                var watch = Stopwatch.StartNew();
                var manifest = await backup.RunAsync(layout, sink, BackupKind.Full, "bench", cancellationToken: cancellationToken).ConfigureAwait(false);
                watch.Stop();
                bytes = manifest.Files.Sum(f => f.Bytes);
                return watch.Elapsed;
            }

            await Pass(verify: true).ConfigureAwait(false); // warm-up: page cache, JIT
            var verified = new List<TimeSpan>();
            var plain = new List<TimeSpan>();
            for (var i = 0; i < runs; i++)
            {
                plain.Add(await Pass(verify: false).ConfigureAwait(false));
                verified.Add(await Pass(verify: true).ConfigureAwait(false));
            }

            var v = Median(verified);
            var p = Median(plain);
            var vRate = bytes / v.TotalSeconds / 1e9;
            var pRate = bytes / p.TotalSeconds / 1e9;
            var cost = 1 - (vRate / pRate);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot: {bytes} bytes, {runs} runs each"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot: without verification {pRate:F3} GB/s (median {p.TotalMilliseconds:F1} ms)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot: with inline verification {vRate:F3} GB/s (median {v.TotalMilliseconds:F1} ms)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshot: verification cost {cost:P1} of throughput (budget {Budget:P0}): {(cost <= Budget ? "within budget" : "OVER BUDGET")}"));
            return enforce && cost > Budget ? 1 : 0;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }
}
