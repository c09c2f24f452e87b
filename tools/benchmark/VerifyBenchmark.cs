using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Benchmarks;

/// <summary>
/// <c>ebbench verify [--size-gib N] [--page-size N] [--keep PATH]</c>: writes a synthetic ECC database of N GiB, then measures
/// in the same run (best of 3) a plain read-and-sum of the file and a full verification of it, and reports the
/// verification throughput as GB/s and as a ratio to the scan; also the same pair in memory (CPU only, one core).
/// Aim: ratio >= 0.5 and > 4 GB/s per core.
/// </summary>
public static class VerifyBenchmark
{
    private const int Buffer = 4 * 1024 * 1024;

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        double sizeGib = 1;
        var pageSize = 8192;
        string? keep = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-gib" when i + 1 < args.Length:
                    sizeGib = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--page-size" when i + 1 < args.Length:
                    pageSize = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--keep" when i + 1 < args.Length:
                    keep = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"ebbench verify: unknown argument {args[i]}; usage: ebbench verify [--size-gib N] [--page-size N] [--keep PATH]").ConfigureAwait(false);
                    return 2;
            }
        }

        var path = keep ?? Path.Combine(Path.GetTempPath(), $"ebbench-verify-{Environment.ProcessId}.edb");
        var pages = (long)(sizeGib * (1L << 30) / pageSize) - 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ebbench verify: {sizeGib} GiB, {pageSize}-byte ECC pages ({pages} pages), Vector256 accelerated: {Vector256.IsHardwareAccelerated}"));
        try
        {
            var sw = Stopwatch.StartNew();
            var bytes = await SyntheticDatabaseWriter.WriteFileAsync(path, new SyntheticDatabaseOptions { PageSize = pageSize, PageCount = pages, RandomContent = false, ZeroPageFraction = 0.02 }).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  generated {bytes} bytes in {sw.Elapsed.TotalSeconds:F1} s"));

            double bestScan = double.MaxValue, bestVerify = double.MaxValue;
            var verifier = new EseFileVerifier(new EseFileVerifierOptions { ReadBufferSize = Buffer });
            for (var round = 0; round < 3; round++)
            {
                sw.Restart();
                var sum = await ScanFileAsync(path).ConfigureAwait(false);
                bestScan = Math.Min(bestScan, sw.Elapsed.TotalSeconds);
                GC.KeepAlive(sum);

                sw.Restart();
                var r = await verifier.VerifyFileAsync(path).ConfigureAwait(false);
                bestVerify = Math.Min(bestVerify, sw.Elapsed.TotalSeconds);
                if (!r.Ok)
                {
                    await Console.Error.WriteLineAsync("ebbench verify: the generated database did not verify: " + string.Join("; ", r.Problems.Take(3))).ConfigureAwait(false);
                    return 1;
                }
            }

            Report("file", bytes, bestScan, bestVerify);

            // In memory: CPU cost only, one core.
            var memBytes = (int)Math.Min(bytes, 256L << 20) / pageSize * pageSize;
            var memory = new byte[memBytes];
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                await stream.ReadExactlyAsync(memory).ConfigureAwait(false);
            }

            double bestMemScan = double.MaxValue, bestMemVerify = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                sw.Restart();
                GC.KeepAlive(Sum(memory));
                bestMemScan = Math.Min(bestMemScan, sw.Elapsed.TotalSeconds);
                sw.Restart();
                var v = new DatabasePageVerifier("memory", pageSize);
                for (var o = 0; o < memory.Length; o += Buffer)
                {
                    v.Append(memory.AsSpan(o, Math.Min(Buffer, memory.Length - o)));
                }

                var r = v.Complete();
                bestMemVerify = Math.Min(bestMemVerify, sw.Elapsed.TotalSeconds);
                if (r.BadPages.Count != 0)
                {
                    await Console.Error.WriteLineAsync("ebbench verify: in-memory verification found bad pages").ConfigureAwait(false);
                    return 1;
                }
            }

            Report("memory (1 core)", memBytes, bestMemScan, bestMemVerify);
            return 0;
        }
        finally
        {
            if (keep is null)
            {
                File.Delete(path);
            }
        }
    }

    private static void Report(string what, long bytes, double scan, double verify)
    {
        var gb = bytes / 1e9;
        var ratio = scan / verify;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: read-and-sum {gb / scan:F2} GB/s, verify {gb / verify:F2} GB/s, ratio verify/scan {ratio:F2} (aim >= 0.5; verify aim > 4 GB/s per core)"));
    }

    private static async Task<ulong> ScanFileAsync(string path)
    {
        var buffer = new byte[Buffer];
        ulong sum = 0;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            int n;
            while ((n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false).ConfigureAwait(false)) > 0)
            {
                sum += Sum(buffer.AsSpan(0, n));
            }
        }

        return sum;
    }

    private static ulong Sum(ReadOnlySpan<byte> data)
    {
        var vectors = MemoryMarshal.Cast<byte, Vector256<ulong>>(data);
        var acc = Vector256<ulong>.Zero;
        foreach (var v in vectors)
        {
            acc += v;
        }

        return Vector256.Sum(acc);
    }
}
