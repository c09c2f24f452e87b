using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.S3;

namespace ExternalBackup.Benchmarks;

/// <summary>What the S3 benchmark row sends and where.</summary>
public sealed record S3BenchmarkOptions
{
    /// <summary>The S3 endpoint (e.g. the local Swift of <c>tests/s3/start-swift.sh</c>).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The access key.</summary>
    public required string AccessKey { get; init; }

    /// <summary>The secret key.</summary>
    public required string SecretKey { get; init; }

    /// <summary>The signing region. Default: us-east-1.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Files per run. Default: 4.</summary>
    public int FileCount { get; init; } = 4;

    /// <summary>Bytes per file. Default: 64 MiB.</summary>
    public int FileBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Rounds of baseline-then-sink; the row reports the median round by ratio. Default: 1.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// Unmeasured rounds of both sides first, so that neither pays for the JIT: a backup agent runs for long, and
    /// without them the sink (whose SDK paths the small warm-up object does not touch) spent about a fifth more
    /// client CPU than the loop in the first rounds, most of it compiling. Default: 1.
    /// </summary>
    public int WarmupRounds { get; init; } = 1;

    /// <summary>
    /// The folder a <c>tests/s3/start-swift.sh</c> server runs from: its <c>run/*.pid</c> processes' CPU time is
    /// reported per side (server CPU is what the two sides really compete for on a small machine). Default: none.
    /// </summary>
    public string? SwiftDirectory { get; init; }

    /// <summary>Chunk size the sink is fed with, like the pipeline's read size. Default: 1 MiB.</summary>
    public int ChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>The sink's tuning (bucket and endpoint are filled in). Default: the sink's defaults.</summary>
    public S3SinkOptions? Sink { get; init; }

    /// <summary>Options from <c>S3_ENDPOINT</c>, <c>S3_ACCESS_KEY</c>, <c>S3_SECRET_KEY</c>, <c>S3_REGION</c>.</summary>
    public static S3BenchmarkOptions FromEnvironment() => new()
    {
        Endpoint = new Uri(Environment.GetEnvironmentVariable("S3_ENDPOINT") ?? throw new InvalidOperationException("S3_ENDPOINT is not set (start tests/s3/start-swift.sh DIR and source DIR/s3.env)")),
        AccessKey = Environment.GetEnvironmentVariable("S3_ACCESS_KEY") ?? throw new InvalidOperationException("S3_ACCESS_KEY is not set"),
        SecretKey = Environment.GetEnvironmentVariable("S3_SECRET_KEY") ?? throw new InvalidOperationException("S3_SECRET_KEY is not set"),
        Region = Environment.GetEnvironmentVariable("S3_REGION") ?? "us-east-1",
    };
}

/// <summary>One S3 benchmark row.</summary>
/// <param name="Bytes">Payload bytes sent by each side.</param>
/// <param name="BaselineMBps">
/// A plain AWSSDK PutObject loop over the same bytes, MB/s (10^6): one file after the other, each file one PutObject
/// from memory, SDK defaults (payload signed, <c>Expect: 100-continue</c>), no journal, no manifest.
/// </param>
/// <param name="SinkMBps">
/// The S3 sink over the same client and connections, MB/s: the whole set from BeginSetAsync to DisposeAsync (manifest
/// check, journal, stale-upload sweep, multipart uploads, completions, manifest), fed in chunks like the pipeline.
/// </param>
/// <param name="PeakSinkBufferBytes">The sink's part buffers at their peak.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set after both runs.</param>
/// <param name="BaselineCpu">This process's CPU time (all threads) during the PutObject loop.</param>
/// <param name="SinkCpu">This process's CPU time during the sink's set: the client-side cost the server shares two cores with here.</param>
/// <param name="BaselineServerCpu">The Swift processes' CPU time during the PutObject loop (zero when unknown).</param>
/// <param name="SinkServerCpu">The Swift processes' CPU time during the sink's set (zero when unknown).</param>
/// <param name="SinkPhases">Where the sink's time went: begin (journal, sweep), streaming the files, commit (completions, manifest), dispose.</param>
public sealed record S3BenchmarkResult(long Bytes, double BaselineMBps, double SinkMBps, long PeakSinkBufferBytes, long PeakWorkingSetBytes, TimeSpan BaselineCpu, TimeSpan SinkCpu, TimeSpan BaselineServerCpu, TimeSpan SinkServerCpu, S3SinkPhases SinkPhases)
{
    /// <summary>Sink throughput divided by baseline throughput (aim: at least 1.0).</summary>
    public double Ratio => SinkMBps / BaselineMBps;

    /// <inheritdoc/>
    public override string ToString() =>
        $"s3 sink: {SinkMBps:F1} MB/s vs PutObject loop {BaselineMBps:F1} MB/s = ratio {Ratio:F2} over {Bytes / 1e6:F0} MB; sink buffers peak {PeakSinkBufferBytes / 1048576.0:F0} MiB, process peak working set {PeakWorkingSetBytes / 1048576.0:F0} MiB; client CPU {BaselineCpu.TotalMilliseconds:F0} ms vs {SinkCpu.TotalMilliseconds:F0} ms, server CPU {BaselineServerCpu.TotalMilliseconds:F0} ms vs {SinkServerCpu.TotalMilliseconds:F0} ms; sink {SinkPhases}";
}

/// <summary>Where the S3 sink's time went in one benchmark run.</summary>
/// <param name="Begin">BeginSetAsync: the manifest check, the journal, the stale-upload sweep.</param>
/// <param name="Stream">Opening, writing and completing every file.</param>
/// <param name="Commit">CommitAsync: waiting for the last uploads, completing multipart uploads, the manifest, the journal's removal.</param>
/// <param name="Dispose">DisposeAsync.</param>
public sealed record S3SinkPhases(TimeSpan Begin, TimeSpan Stream, TimeSpan Commit, TimeSpan Dispose)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"begin {Begin.TotalMilliseconds:F0} ms, stream {Stream.TotalMilliseconds:F0} ms, commit {Commit.TotalMilliseconds:F0} ms, dispose {Dispose.TotalMilliseconds:F0} ms";
}

/// <summary>
/// The S3 row of ebbench: the S3 sink's throughput to a local S3 server as a ratio to a plain AWSSDK PutObject
/// loop of the same bytes in the same run, and peak memory. <see cref="RunWithLocalSwiftAsync"/> starts and stops
/// a private Swift with the test scripts; <see cref="RunAsync"/> uses a running server.
/// </summary>
public static class S3Benchmark
{
    /// <summary>
    /// <c>ebbench s3 [--file-mib 64] [--files 4] [--part-mib N] [--concurrency N] [--rounds 1] [--warmup 1] [--expect-continue] [--local-journal] [--running]</c>
    /// (part size and concurrency default to the sink's defaults): starts a private
    /// Swift, prints the row, stops Swift; with <c>--running</c>, uses the server named by <c>S3_ENDPOINT</c> and the
    /// other variables of <see cref="S3BenchmarkOptions.FromEnvironment"/> instead (and <c>SWIFT_DIR</c>, the folder it
    /// was started from, for its CPU times). Returns the process exit code.
    /// </summary>
    public static async Task<int> RunCommandAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int Option(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        }

        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ExternalBackup.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException($"ExternalBackup.sln not found above {AppContext.BaseDirectory} (needed for tests/s3/start-swift.sh)");
        }

        const int MiB = 1024 * 1024;
        var defaults = new S3SinkOptions { Bucket = "unused" };
        S3BenchmarkOptions Tune(S3BenchmarkOptions o) => o with
        {
            FileBytes = Option("--file-mib", 64) * MiB,
            FileCount = Option("--files", 4),
            Rounds = Option("--rounds", 1),
            WarmupRounds = Option("--warmup", 1),
            Sink = new S3SinkOptions
            {
                Bucket = "unused",
                MinimumPartSize = Option("--part-mib", defaults.MinimumPartSize / MiB) * MiB,
                MaxConcurrentUploads = Option("--concurrency", defaults.MaxConcurrentUploads),
                ExpectContinue = args.Contains("--expect-continue"),
                JournalDirectory = args.Contains("--local-journal") ? Path.GetTempPath() : null,
            },
        };
        var result = args.Contains("--running")
            ? await RunAsync(Tune(S3BenchmarkOptions.FromEnvironment()) with { SwiftDirectory = Environment.GetEnvironmentVariable("SWIFT_DIR") }, Console.Out).ConfigureAwait(false)
            : await RunWithLocalSwiftAsync(root, Console.Out, Tune).ConfigureAwait(false);
        return result.Ratio > 0 ? 0 : 1;
    }

    /// <summary>Runs the row against a running S3 server; creates and removes its own bucket.</summary>
    public static async Task<S3BenchmarkResult> RunAsync(S3BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var bucket = $"ebbench-{Guid.NewGuid():N}"[..24];
        var sinkOptions = (options.Sink ?? new S3SinkOptions { Bucket = bucket }) with
        {
            Bucket = bucket,
            Prefix = "bench",
            ServiceUrl = options.Endpoint,
            Region = options.Region,
            AccessKey = options.AccessKey,
            SecretKey = options.SecretKey,
        };
        using var client = S3ClientFactory.Create(sinkOptions);
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
        try
        {
            var files = Enumerable.Range(0, options.FileCount).Select(i =>
            {
                var bytes = GC.AllocateUninitializedArray<byte>(options.FileBytes);
                new Random(1000 + i).NextBytes(bytes);
                return bytes;
            }).ToList();
            long total = files.Sum(f => (long)f.Length);

            // Warm the client up (connections, JIT) on a small object; both sides then share it and its connections.
            await PutLoopAsync(client, bucket, "warmup", [new byte[1024]], cancellationToken).ConfigureAwait(false);

            // The pipeline hashes what it reads before the sink sees it: that cost is not the sink's, so it is paid here.
            var hashes = files.Select(f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f))).ToList();
            for (var warmup = 0; warmup < options.WarmupRounds; warmup++)
            {
                await PutLoopAsync(client, bucket, $"warmup{warmup}", files, cancellationToken).ConfigureAwait(false);
                await using var sink = new S3Sink(client, sinkOptions);
                await WriteSetAsync(sink, files, hashes, options.ChunkBytes, $"warmup{warmup}", cancellationToken).ConfigureAwait(false);
            }

            var rounds = new List<S3BenchmarkResult>();
            for (var round = 0; round < options.Rounds; round++)
            {
                var server0 = ServerCpu(options.SwiftDirectory);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var baseline = Stopwatch.StartNew();
                await PutLoopAsync(client, bucket, $"baseline{round}", files, cancellationToken).ConfigureAwait(false);
                baseline.Stop();
                var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
                var server1 = ServerCpu(options.SwiftDirectory);

                var sinkTime = Stopwatch.StartNew();
                long peakBuffers;
                var phases = new S3SinkPhases(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
                var sink = new S3Sink(client, sinkOptions);
                try
                {
                    phases = await WriteSetAsync(sink, files, hashes, options.ChunkBytes, $"{round:D2}", cancellationToken).ConfigureAwait(false);
                    peakBuffers = sink.Statistics.BufferBytes;
                }
                finally
                {
                    var disposing = Stopwatch.GetTimestamp();
                    await sink.DisposeAsync().ConfigureAwait(false);
                    phases = phases with { Dispose = Stopwatch.GetElapsedTime(disposing) };
                }

                sinkTime.Stop();
                var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
                var server2 = ServerCpu(options.SwiftDirectory);
                var result = new S3BenchmarkResult(
                    total,
                    total / 1e6 / baseline.Elapsed.TotalSeconds,
                    total / 1e6 / sinkTime.Elapsed.TotalSeconds,
                    peakBuffers,
                    Process.GetCurrentProcess().PeakWorkingSet64,
                    cpu1 - cpu0,
                    cpu2 - cpu1,
                    server1 - server0,
                    server2 - server1,
                    phases);
                rounds.Add(result);
                if (options.Rounds > 1)
                {
                    await log.WriteLineAsync($"  round {round + 1}: {result}").ConfigureAwait(false);
                }
            }

            // The median round by ratio: on a shared machine one round can be disturbed on either side.
            var median = rounds.OrderBy(r => r.Ratio).ElementAt(rounds.Count / 2);
            median = median with { PeakSinkBufferBytes = rounds.Max(r => r.PeakSinkBufferBytes), PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64 };
            await log.WriteLineAsync((options.Rounds > 1 ? $"median of {options.Rounds} rounds: " : "") + median).ConfigureAwait(false);
            return median;
        }
        finally
        {
            await EmptyBucketAsync(client, bucket).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a private Swift with <c>tests/s3/start-swift.sh</c> under a temporary folder, runs the row, and stops
    /// exactly the processes the script started.
    /// </summary>
    public static async Task<S3BenchmarkResult> RunWithLocalSwiftAsync(string repositoryRoot, TextWriter log, Func<S3BenchmarkOptions, S3BenchmarkOptions>? tune = null, CancellationToken cancellationToken = default)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ebbench-swift-{Guid.NewGuid():N}");
        var (code, output) = await RunScriptAsync(Path.Combine(repositoryRoot, "tests", "s3", "start-swift.sh"), dir, cancellationToken).ConfigureAwait(false);
        try
        {
            if (code != 0)
            {
                throw new InvalidOperationException($"Swift did not start (exit {code}): {output}");
            }

            var env = File.ReadAllLines(Path.Combine(dir, "s3.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var options = new S3BenchmarkOptions { Endpoint = new Uri(env["S3_ENDPOINT"]), AccessKey = env["S3_ACCESS_KEY"], SecretKey = env["S3_SECRET_KEY"], Region = env["S3_REGION"], SwiftDirectory = dir };
            return await RunAsync(tune?.Invoke(options) ?? options, log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RunScriptAsync(Path.Combine(repositoryRoot, "tests", "s3", "stop-swift.sh"), $"{dir} --purge", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>User plus system CPU time of the processes recorded in <c>DIR/run/*.pid</c> (Linux /proc).</summary>
    private static TimeSpan ServerCpu(string? swiftDirectory)
    {
        if (swiftDirectory is null || !Directory.Exists(Path.Combine(swiftDirectory, "run")))
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var pidFile in Directory.EnumerateFiles(Path.Combine(swiftDirectory, "run"), "*.pid"))
        {
            var stat = Path.Combine("/proc", File.ReadAllText(pidFile).Trim(), "stat");
            if (File.Exists(stat))
            {
                // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // The kernel's clock tick is 100 Hz on every mainstream Linux build (USER_HZ).
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static async Task PutLoopAsync(IAmazonS3 client, string bucket, string prefix, IReadOnlyList<byte[]> files, CancellationToken cancellationToken)
    {
        for (var i = 0; i < files.Count; i++)
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = $"{prefix}/file{i}",
                InputStream = new MemoryStream(files[i], writable: false),
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<S3SinkPhases> WriteSetAsync(S3Sink sink, IReadOnlyList<byte[]> files, IReadOnlyList<string> hashes, int chunkBytes, string tag, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var set = new BackupSetDescriptor($"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff'Z'}-full{tag}", BackupKind.Full, DateTimeOffset.UtcNow, "ebbench");
        await sink.BeginSetAsync(set, cancellationToken).ConfigureAwait(false);
        var begun = Stopwatch.GetTimestamp();
        var manifestFiles = new List<ManifestFile>();
        for (var i = 0; i < files.Count; i++)
        {
            var descriptor = new BackupFileDescriptor($"db/file{i}.edb", BackupFileKind.Database, files[i].Length, $"file{i}");
            await sink.OpenFileAsync(descriptor, cancellationToken).ConfigureAwait(false);
            for (var offset = 0; offset < files[i].Length; offset += chunkBytes)
            {
                var chunk = files[i].AsMemory(offset, Math.Min(chunkBytes, files[i].Length - offset));
                await sink.WriteAsync(new BackupChunk(offset, chunk), cancellationToken).ConfigureAwait(false);
            }

            var hex = hashes[i];
            await sink.CompleteFileAsync(new CompletedFile(descriptor, files[i].Length, hex), cancellationToken).ConfigureAwait(false);
            manifestFiles.Add(new ManifestFile { Path = descriptor.Path, Kind = descriptor.Kind, Bytes = files[i].Length, Sha256 = hex });
        }

        var streamed = Stopwatch.GetTimestamp();
        await sink.CommitAsync(new BackupManifest
        {
            SetId = set.SetId,
            Kind = set.Kind,
            StartedUtc = set.StartedUtc,
            CompletedUtc = DateTimeOffset.UtcNow,
            Instance = set.Instance,
            Source = "ebbench",
            Files = manifestFiles,
        }, cancellationToken).ConfigureAwait(false);
        return new S3SinkPhases(
            Stopwatch.GetElapsedTime(start, begun), Stopwatch.GetElapsedTime(begun, streamed), Stopwatch.GetElapsedTime(streamed), TimeSpan.Zero);
    }

    private static async Task EmptyBucketAsync(IAmazonS3 client, string bucket)
    {
        try
        {
            var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }).ConfigureAwait(false);
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId).ConfigureAwait(false);
            }

            string? token = null;
            do
            {
                var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token }).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    await client.DeleteObjectAsync(bucket, item.Key).ConfigureAwait(false);
                }

                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
            await client.DeleteBucketAsync(bucket).ConfigureAwait(false);
        }
        catch (AmazonS3Exception)
        {
            // Best effort: the bucket lives in a throwaway server.
        }
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string script, string arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/bash", $"\"{script}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
