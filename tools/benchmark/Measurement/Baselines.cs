using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ExternalBackup.Benchmarks.Measurement;

/// <summary>The baselines every figure is a ratio to, measured in the same run on the same bytes.</summary>
internal static class Baselines
{
    /// <summary>Times an external command (e.g. <c>cp -r a b</c>); fails loudly when it fails.</summary>
    public static TimeSpan TimeCommand(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }

        return watch.Elapsed;
    }

    /// <summary>Times copying <paramref name="bytes"/> bytes in memory (1 MiB blocks through a 64 MiB ring), the ceiling of any copy.</summary>
    public static unsafe TimeSpan TimeMemoryCopy(long bytes)
    {
        const int ring = 64 << 20;
        const int block = 1 << 20;
        var source = (byte*)NativeMemory.AlignedAlloc(ring, 4096);
        var target = (byte*)NativeMemory.AlignedAlloc(ring, 4096);
        try
        {
            new Span<byte>(source, ring).Fill(0x5a);
            new Span<byte>(target, ring).Clear();
            var watch = Stopwatch.StartNew();
            long done = 0;
            var offset = 0;
            while (done < bytes)
            {
                Buffer.MemoryCopy(source + offset, target + offset, block, block);
                offset = (offset + block) % ring;
                done += block;
            }

            return watch.Elapsed;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(target);
        }
    }

    /// <summary>
    /// Times SHA-256 over <paramref name="bytes"/> bytes in memory (1 MiB blocks through a 64 MiB ring), one stream
    /// on one core as the pipeline hashes a file: the floor of any backup that hashes every byte, whatever its
    /// I/O. SHA-256 is a chain, so one file's hash cannot be spread over more cores.
    /// </summary>
    public static unsafe TimeSpan TimeSha256(long bytes)
    {
        const int ring = 64 << 20;
        const int block = 1 << 20;
        var source = (byte*)NativeMemory.AlignedAlloc(ring, 4096);
        try
        {
            new Span<byte>(source, ring).Fill(0x5a);
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var watch = Stopwatch.StartNew();
            long done = 0;
            var offset = 0;
            while (done < bytes)
            {
                hash.AppendData(new ReadOnlySpan<byte>(source + offset, block));
                offset = (offset + block) % ring;
                done += block;
            }

            _ = hash.GetHashAndReset();
            return watch.Elapsed;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
        }
    }

    /// <summary>The median of <paramref name="runs"/> timings of <paramref name="measure"/>, with <paramref name="reset"/> before each.</summary>
    public static TimeSpan Median(int runs, Func<TimeSpan> measure, Action? reset = null)
    {
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            reset?.Invoke();
            times.Add(measure());
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>GB/s (10^9 bytes per second).</summary>
    public static double GigabytesPerSecond(long bytes, TimeSpan time) => bytes / time.TotalSeconds / 1e9;
}
