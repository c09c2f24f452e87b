using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using ExternalBackup.Benchmarks.Measurement;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.S3;

namespace ExternalBackup.Benchmarks;

/// <summary>
/// <c>ebbench restore [--size-mib 1024] [--logs 64] [--rounds 3] [--parallel N] [--s3]</c>: a restore from a folder set against
/// <c>cp -r SET TARGET &amp;&amp; sync</c> of the same files, and (with <c>--s3</c>, on a private Swift started with
/// <c>tests/s3/start-swift.sh</c>, or the server named by <c>S3_ENDPOINT</c>) a restore from S3 against a plain
/// sequential GetObject loop writing the same objects to files and syncing; interleaved rounds in one run, medians,
/// and the peak RSS of one restore in a process of its own (<c>ebbench restore-child</c>).
/// </summary>
internal static class RestoreBenchmark
{
    private const int Chunk = 1 << 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMib = int.Parse(Option(args, "--size-mib") ?? "1024", CultureInfo.InvariantCulture);
        var logs = int.Parse(Option(args, "--logs") ?? "64", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var restoreOptions = new RestoreOptions { MaxParallelFiles = int.Parse(Option(args, "--parallel") ?? RestoreOptions.DefaultMaxParallelFiles.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) };
        var work = Path.Combine(Option(args, "--work") ?? Path.GetTempPath(), $"ebbench-restore-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        string? swift = null;
        try
        {
            var destination = Path.Combine(work, "backups");
            var files = await WriteFolderSetAsync(destination, sizeMib, logs).ConfigureAwait(false);
            var set = Directory.GetDirectories(destination).Single();
            var bytes = files.Sum(f => f.Bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restore: a set of {files.Count} files, {bytes / (1 << 20)} MiB ({logs} logs of 1 MiB), {rounds} interleaved rounds"));
            var (ours, cp) = await InterleaveAsync(rounds,
                () => TimeAsync(() => ChainRestore.RestoreAsync(new DirectoryRepository(destination), Path.Combine(work, "t-ours"), null, restoreOptions, CancellationToken.None)),
                () => Task.FromResult(Baselines.TimeCommand("/bin/sh", "-c", $"cp -r '{set}' '{Path.Combine(work, "t-cp")}' && sync")),
                () => Clean(work, "t-ours", "t-cp"),
                // Both read the set from the page cache (the sink dropped it from the cache while writing it).
                () => Baselines.TimeCommand("/bin/sh", "-c", $"find '{set}' -type f -exec cat {{}} + > /dev/null")).ConfigureAwait(false);
            var peak = ChildPeak(new Dictionary<string, string>(), destination, Path.Combine(work, "t-ours"), restoreOptions.MaxParallelFiles);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  folder restore   {Baselines.GigabytesPerSecond(bytes, ours):F2} GB/s   cp -r && sync {Baselines.GigabytesPerSecond(bytes, cp):F2} GB/s   ratio {cp / ours:F2} (aim >= 0.9)   peak RSS {peak / (1 << 20)} MiB"));
            if (!args.Contains("--s3"))
            {
                return 0;
            }

            var options = await S3OptionsAsync(work).ConfigureAwait(false);
            swift = options.Swift;
            using var client = S3ClientFactory.Create(options.Sink);
            await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Sink.Bucket }).ConfigureAwait(false);
            await UploadAsync(client, options.Sink, set, files).ConfigureAwait(false);
            var (s3Ours, loop) = await InterleaveAsync(rounds,
                async () =>
                {
                    await using var repository = new S3Repository(options.Sink);
                    return await TimeAsync(() => ChainRestore.RestoreAsync(repository, Path.Combine(work, "t-s3"), null, restoreOptions, CancellationToken.None)).ConfigureAwait(false);
                },
                () => GetLoopAsync(client, options.Sink, files, Path.Combine(work, "t-get")),
                () => Clean(work, "t-s3", "t-get")).ConfigureAwait(false);
            peak = ChildPeak(
                new Dictionary<string, string> { ["S3_ENDPOINT"] = options.Sink.ServiceUrl!.ToString(), ["S3_ACCESS_KEY"] = options.Sink.AccessKey!, ["S3_SECRET_KEY"] = options.Sink.SecretKey!, ["S3_REGION"] = options.Sink.Region, ["EBBENCH_S3_BUCKET"] = options.Sink.Bucket },
                "s3",
                Path.Combine(work, "t-s3"),
                restoreOptions.MaxParallelFiles);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S3 restore       {Baselines.GigabytesPerSecond(bytes, s3Ours):F2} GB/s   GetObject loop {Baselines.GigabytesPerSecond(bytes, loop):F2} GB/s   ratio {loop / s3Ours:F2} (aim >= 1.0)   peak RSS {peak / (1 << 20)} MiB"));
            return 0;
        }
        finally
        {
            if (swift is not null)
            {
                Baselines.TimeCommand("/bin/bash", Path.Combine(Root(), "tests", "s3", "stop-swift.sh"), swift, "--purge");
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(TimeSpan Ours, TimeSpan Baseline)> InterleaveAsync(int rounds, Func<Task<TimeSpan>> ours, Func<Task<TimeSpan>> baseline, Action clean, Action? warm = null)
    {
        // One untimed round first: the restore's code is compiled (tiered JIT) and the set is in the page cache.
        clean();
        warm?.Invoke();
        _ = await ours().ConfigureAwait(false);
        var a = new List<TimeSpan>();
        var b = new List<TimeSpan>();
        var cpuA = new List<Run>();
        var cpuB = new List<Run>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first so neither always finds the other's dirty pages.
            foreach (var first in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                clean();
                warm?.Invoke();
                Baselines.TimeCommand("sync");
                // CPU time of this process (nothing else runs in it meanwhile) and of the processes it ran (cp, sync).
                var (self, children) = (CpuTime.OfSelf(), CpuTime.OfChildren());
                var time = await (first ? ours : baseline)().ConfigureAwait(false);
                (first ? a : b).Add(time);
                (first ? cpuA : cpuB).Add(new Run(time, 0, CpuTime.OfSelf() - self + (CpuTime.OfChildren() - children)));
            }
        }

        clean();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    rounds (s): ours {string.Join(' ', a.Select(t => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)))}; baseline {string.Join(' ', b.Select(t => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine($"    median {Run.CpuMedian(cpuA)} ours; {Run.CpuMedian(cpuB)} baseline");
        a.Sort();
        b.Sort();
        return (a[a.Count / 2], b[b.Count / 2]);
    }

    /// <summary>
    /// <c>ebbench restore-child FROM TARGET PARALLEL</c>: one restore in a process of its own (FROM a folder, or
    /// <c>s3</c> for the bucket in <c>EBBENCH_S3_BUCKET</c> with the <c>S3_*</c> variables); prints its peak RSS in bytes.
    /// </summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var options = new RestoreOptions { MaxParallelFiles = int.Parse(args[2], CultureInfo.InvariantCulture) };
        await using IBackupRepository repository = args[0] == "s3"
            ? new S3Repository(new S3SinkOptions
            {
                Bucket = Environment.GetEnvironmentVariable("EBBENCH_S3_BUCKET")!,
                Prefix = "backups",
                ServiceUrl = new Uri(Environment.GetEnvironmentVariable("S3_ENDPOINT")!),
                AccessKey = Environment.GetEnvironmentVariable("S3_ACCESS_KEY"),
                SecretKey = Environment.GetEnvironmentVariable("S3_SECRET_KEY"),
                Region = Environment.GetEnvironmentVariable("S3_REGION") ?? "us-east-1",
            })
            : new DirectoryRepository(args[0]);
        await ChainRestore.RestoreAsync(repository, args[1], null, options, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(ProcessMemory.PeakResidentBytes().ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>The peak RSS of one restore run in a child process (so neither the baselines nor the set's writing count).</summary>
    private static long ChildPeak(Dictionary<string, string> environment, string from, string target, int parallel)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RestoreBenchmark).Assembly.Location);
        }

        foreach (var a in new[] { "restore-child", from, target, parallel.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"restore child failed ({process.ExitCode}): {output}{error}");
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        return long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task<RestorePlan>> restore)
    {
        var watch = Stopwatch.StartNew();
        await restore().ConfigureAwait(false);
        return watch.Elapsed;
    }

    private static async Task<List<ManifestFile>> WriteFolderSetAsync(string destination, int sizeMib, int logs)
    {
        var descriptor = new BackupSetDescriptor("bench-full", BackupKind.Full, new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), "bench");
        var specs = new List<(string Path, BackupFileKind Kind, long Bytes, long? Generation)>
        {
            ("databases/ntds.dit", BackupFileKind.Database, (long)Math.Max(1, sizeMib - logs) << 20, null),
        };
        for (var g = 1; g <= logs; g++)
        {
            specs.Add(($"logs/edb{g:X5}.log", BackupFileKind.Log, 1 << 20, g));
        }

        var files = new List<ManifestFile>();
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true });
        await sink.BeginSetAsync(descriptor, CancellationToken.None).ConfigureAwait(false);
        var buffer = new byte[Chunk];
        var random = new Random(12);
        foreach (var (path, kind, length, generation) in specs)
        {
            var file = new BackupFileDescriptor(path, kind, length, "/bench/" + path);
            await sink.OpenFileAsync(file, CancellationToken.None).ConfigureAwait(false);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long offset = 0; offset < length; offset += Chunk)
            {
                random.NextBytes(buffer);
                hash.AppendData(buffer);
                await sink.WriteAsync(new BackupChunk(offset, buffer), CancellationToken.None).ConfigureAwait(false);
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            await sink.CompleteFileAsync(new CompletedFile(file, length, sha), CancellationToken.None).ConfigureAwait(false);
            files.Add(new ManifestFile { Path = path, Kind = kind, Bytes = length, Sha256 = sha, Generation = generation });
        }

        await sink.CommitAsync(new BackupManifest
        {
            SetId = descriptor.SetId,
            Kind = descriptor.Kind,
            StartedUtc = descriptor.StartedUtc,
            CompletedUtc = descriptor.StartedUtc.AddMinutes(1),
            Instance = "bench",
            Source = "bench",
            LogBaseName = "edb",
            LogGenerations = new LogGenerationRange(1, logs),
            Files = files,
        }, CancellationToken.None).ConfigureAwait(false);
        return files;
    }

    private static async Task UploadAsync(IAmazonS3 client, S3SinkOptions options, string set, List<ManifestFile> files)
    {
        var layout = new S3ObjectLayout(options.Prefix);
        foreach (var path in files.Select(f => f.Path).Append(BackupManifest.FileName))
        {
            var key = path == BackupManifest.FileName ? layout.ManifestKey("bench-full") : layout.ObjectKey("bench-full", path);
            var local = Path.Combine(set, path);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = options.Bucket, Key = key, FilePath = local, UseChunkEncoding = false }).ConfigureAwait(false);
        }
    }

    private static async Task<TimeSpan> GetLoopAsync(IAmazonS3 client, S3SinkOptions options, List<ManifestFile> files, string target)
    {
        var layout = new S3ObjectLayout(options.Prefix);
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            var path = Path.Combine(target, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var response = await client.GetObjectAsync(options.Bucket, layout.ObjectKey("bench-full", file.Path)).ConfigureAwait(false);
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
            await response.ResponseStream.CopyToAsync(output, Chunk).ConfigureAwait(false);
        }

        Baselines.TimeCommand("sync");
        return watch.Elapsed;
    }

    private static async Task<(S3SinkOptions Sink, string? Swift)> S3OptionsAsync(string work)
    {
        string? swift = null;
        Dictionary<string, string> env;
        if (Environment.GetEnvironmentVariable("S3_ENDPOINT") is { Length: > 0 } endpoint)
        {
            env = new() { ["S3_ENDPOINT"] = endpoint, ["S3_ACCESS_KEY"] = Environment.GetEnvironmentVariable("S3_ACCESS_KEY") ?? "", ["S3_SECRET_KEY"] = Environment.GetEnvironmentVariable("S3_SECRET_KEY") ?? "", ["S3_REGION"] = Environment.GetEnvironmentVariable("S3_REGION") ?? "us-east-1" };
        }
        else
        {
            swift = Path.Combine(work, "swift");
            Baselines.TimeCommand("/bin/bash", Path.Combine(Root(), "tests", "s3", "start-swift.sh"), swift);
            env = (await File.ReadAllLinesAsync(Path.Combine(swift, "s3.env")).ConfigureAwait(false)).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        }

        return (new S3SinkOptions
        {
            Bucket = $"ebbench-restore-{Environment.ProcessId}",
            Prefix = "backups",
            ServiceUrl = new Uri(env["S3_ENDPOINT"]),
            AccessKey = env["S3_ACCESS_KEY"],
            SecretKey = env["S3_SECRET_KEY"],
            Region = env["S3_REGION"],
        }, swift);
    }

    private static void Clean(string work, params string[] names)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(work, name);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) so the figure is the restores', not the set's writing.</summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "ExternalBackup.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        return root ?? throw new InvalidOperationException("ExternalBackup.sln not found (needed for tests/s3/start-swift.sh)");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
