using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExternalBackup.Benchmarks.Measurement;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Benchmarks;

/// <summary>
/// <c>ebbench backup [--size-gib N] [--runs N] [--work DIR] [--logs-only]</c>: a full streaming backup of a generated instance served
/// by the engine model into the directory sink, as ratios to <c>cp</c>, <c>cp</c> + <c>sync</c> (the sink's default
/// is durable: flush-behind while writing and fsync before commit), <c>dd oflag=direct</c>, <c>sha256sum</c> and a memory copy
/// of the same bytes, all measured in this run in interleaved rounds; and the peak RSS of the backup process at two
/// instance sizes (memory must not grow with the database). The snapshot rows back up the same instance folder as a
/// frozen folder (<c>--from-snapshot</c>: the same pipeline, files read with <c>RandomAccess</c>) at the same sizes,
/// against the same baselines.
/// Each backup runs in a child process (<c>ebbench backup-child</c>) so its peak RSS is its own.
/// <c>--logs-only</c> measures the log-heavy row alone (an incremental's many small files vs <c>cp -r &amp;&amp; sync</c>).
/// The log-heavy row is given twice: cold (a fresh process: JIT, first-use costs, what a CLI run pays) first, then
/// warm (the child backs up separate copies of the instance first, untimed, twice so tiered compilation settles, then the timed one: what a backup agent
/// that embeds the component pays from its second backup on).
/// Which build the children run: the benchmark's own (<c>dotnet run -c Release</c>: JIT; the published CLI is
/// ReadyToRun, so the cold figure is an upper bound of a CLI run's first-use cost).
/// </summary>
internal static class BackupBenchmark
{
    /// <summary>The untimed backups the warm row's child runs before the timed one.</summary>
    private const int WarmUpBackups = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizeGib = double.Parse(Option(args, "--size-gib") ?? "2", CultureInfo.InvariantCulture);
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var work = Option(args, "--work") ?? Path.Combine(Path.GetTempPath(), $"ebbench-backup-{Environment.ProcessId}");
        var logsOnly = args.Contains("--logs-only");
        Directory.CreateDirectory(work);
        try
        {
            var large = Path.Combine(work, "large");
            var small = Path.Combine(work, "small");
            // Many small files, as an Exchange incremental has: each must be flushed before the set commits.
            var logHeavy = Path.Combine(work, "log-heavy");
            var logHeavyBytes = await MakeInstanceAsync(logHeavy, 1.0 / 64, logs: 256).ConfigureAwait(false);
            var logHeavyCopy = Path.Combine(work, "log-heavy-cp");
            // The logs' backup takes a pristine copy each time: the model keeps the instance's backup state in its folder.
            var logHeavyRun = Path.Combine(work, "log-heavy-run");
            var copy = Path.Combine(work, "cp-target");
            var ddTarget = Path.Combine(work, "dd-target");
            void Clean()
            {
                if (Directory.Exists(copy))
                {
                    Directory.Delete(copy, true);
                }

                File.Delete(ddTarget);
                foreach (var folder in new[] { logHeavyCopy, logHeavyRun })
                {
                    if (Directory.Exists(folder))
                    {
                        Directory.Delete(folder, true);
                    }
                }

                Baselines.TimeCommand("sync");
            }

            // Rounds interleave every baseline with every backup variant, so a slow spell of a shared machine
            // (disk or CPU taken by others) hits all of them alike; each figure is the median over the rounds.
            var measured = new Dictionary<string, List<Run>>();
            void Measure((string What, Func<Run> Measure)[] steps)
            {
                for (var round = 0; round < runs; round++)
                {
                    // Each round starts at another step, so none always follows the same one (a large delete, a flush).
                    for (var i = 0; i < steps.Length; i++)
                    {
                        var (what, measure) = steps[(i + round) % steps.Length];
                        Clean();
                        if (!measured.TryGetValue(what, out var list))
                        {
                            measured[what] = list = [];
                        }

                        list.Add(measure());
                    }
                }

                Clean();
            }

            Run M(string what) => measured[what].OrderBy(m => m.Time).ElementAt(measured[what].Count / 2);
            void PrintLogRows()
            {
                var logsCpSync = M("logs cp+sync");
                var logsDurable = M("logs durable");
                Row("256 logs of 1 MiB + 16 MiB database: cp -r && sync", logsCpSync.Time, logHeavyBytes, null, null, $"{Spread("logs cp+sync")}; {Cpu("logs cp+sync")}");
                Row("  backup, defaults", logsDurable.Time, logHeavyBytes, logsCpSync.Time / logsDurable.Time, logsDurable.PeakRss, $"vs cp && sync (every file flushed before commit); {Spread("logs durable")}; {Cpu("logs durable")}");
                Console.WriteLine($"    phases of the median round (start of each, wall/cpu): {logsDurable.Phases}");
                // The same backup in a process that has already run one (an agent's second backup): JIT and first-use costs are out.
                var logsWarm = M("logs warm");
                Row("  same, warm (agent process)", logsWarm.Time, logHeavyBytes, logsCpSync.Time / logsWarm.Time, null, $"vs cp && sync; the child's third backup, after two untimed ones of other copies; {Spread("logs warm")}; {Cpu("logs warm")}");
                Console.WriteLine($"    phases of the median warm round: {logsWarm.Phases}");
                var logsSink = M("logs sink");
                Row("  the directory sink alone (files from memory)", logsSink.Time, logHeavyBytes, logsCpSync.Time / logsSink.Time, null, $"vs cp && sync: the durability work without engine, verify, hash; {Spread("logs sink")}; {Cpu("logs sink")}");
            }

            // The rounds' fastest and slowest, so a reader sees how much this machine swung during the run.
            string Spread(string what) => $"rounds {measured[what].Min(m => m.Time).TotalSeconds:F2}..{measured[what].Max(m => m.Time).TotalSeconds:F2} s";

            // CPU time is what the shared machine's load changes least: the median of the rounds, beside the wall time.
            string Cpu(string what) => Run.CpuMedian(measured[what]);

            (string What, Func<Run> Measure)[] logSteps =
            [
                ("logs cp+sync", () => Run.OfCommand("sh", "-c", $"cp -r '{logHeavy}' '{logHeavyCopy}' && sync")),
                ("logs durable", () =>
                {
                    Baselines.TimeCommand("cp", "-r", logHeavy, logHeavyRun);
                    return ChildRun(logHeavyRun, work, "--flush");
                }),
                ("logs warm", () =>
                {
                    Baselines.TimeCommand("cp", "-r", logHeavy, logHeavyRun);
                    // The child's untimed backups each take a pristine copy of the generated instance.
                    return ChildRun(logHeavyRun, work, "--flush", "--warm-up", logHeavy);
                }),
                ("logs sink", () => ChildRun(logHeavy, work, "--flush", "--sink-only")),
            ];
            if (logsOnly)
            {
                Measure(logSteps);
                PrintLogRows();
                return 0;
            }

            var bytes = await MakeInstanceAsync(large, sizeGib).ConfigureAwait(false);
            await MakeInstanceAsync(small, sizeGib / 4).ConfigureAwait(false);
            var files = Directory.GetFiles(large, "*", SearchOption.AllDirectories);
            Baselines.TimeCommand("sh", "-c", $"find '{large}' -type f -exec cat {{}} + > /dev/null"); // warm the page cache
            var dbFile = Directory.GetFiles(large, "ntds.dit", SearchOption.AllDirectories)[0];
            var dbShare = (double)bytes / new FileInfo(dbFile).Length;
            (string What, Func<Run> Measure)[] steps =
            [
                // cp copies inside the kernel (copy_file_range) into the page cache; nothing is on the disk yet.
                ("cp", () => Run.OfCommand("cp", "-r", large, copy)),
                ("cp+sync", () => Run.OfCommand("sh", "-c", $"cp -r '{large}' '{copy}' && sync")),
                // dd moves the bytes through user memory in 1 MiB blocks, straight to the disk.
                ("dd", () => new Run(Baselines.TimeCommand("dd", $"if={dbFile}", $"of={ddTarget}", "bs=1M", "oflag=direct", "conv=fsync", "status=none") * dbShare, 0)),
                ("durable", () => ChildRun(large, work, "--flush")),
                ("durable-no-behind", () => ChildRun(large, work, "--flush", "--buffered")),
                ("page-cache", () => ChildRun(large, work, "--buffered")),
                ("sha-only", () => ChildRun(large, work, "--buffered", "--no-verify")),
                ("snapshot durable", () => ChildRun(large, work, "--flush", "--frozen")),
                ("snapshot page-cache", () => ChildRun(large, work, "--buffered", "--frozen")),
                ("sha256sum", () => Run.OfCommand("sha256sum", files)),
                .. logSteps,
                ("memory", () => new Run(Baselines.TimeMemoryCopy(bytes), 0)),
                ("sha-memory", () => new Run(Baselines.TimeSha256(bytes), 0)),
            ];
            Measure(steps);
            var cp = M("cp").Time;
            var cpSync = M("cp+sync").Time;
            var dd = M("dd").Time;
            var sha = M("sha256sum").Time;
            // The floor of any backup with SHA-256 on: no pipeline can be faster than hashing its bytes once.
            var shaMemory = M("sha-memory").Time;
            var durable = M("durable");
            var noBehind = M("durable-no-behind");
            var pageCache = M("page-cache");
            var shaOnly = M("sha-only");
            var smallRun = ChildRun(small, work, "--flush");
            var snapshotDurable = M("snapshot durable");
            var snapshotPageCache = M("snapshot page-cache");
            var smallSnapshotRun = ChildRun(small, work, "--flush", "--frozen");

            Console.WriteLine($"ebbench backup: {bytes / (double)(1L << 30):F2} GiB instance (model engine, 4 KiB pages), median of {runs} interleaved rounds; ratio = baseline time / our time (1.0 = as fast)");
            if (PageCacheNote(bytes) is { } note)
            {
                Console.WriteLine(note);
            }

            Console.WriteLine($"{"what",-52} {"seconds",8} {"GB/s",7} {"ratio",7} {"peak RSS",10}");
            Row("memory copy (same bytes)", M("memory").Time, bytes, null, null);
            Row("cp -r (into the page cache)", cp, bytes, null, null);
            Row("cp -r && sync (on the disk)", cpSync, bytes, null, null, Cpu("cp+sync"));
            Row("dd bs=1M oflag=direct conv=fsync (database file)", dd, bytes, null, null);
            Row("sha256sum", sha, bytes, null, null);
            Row("SHA-256 in memory, one core", shaMemory, bytes, cp / shaMemory, null, "vs cp: the most any backup that hashes every byte can reach here");
            Row("backup, defaults: SHA-256, verify, flush-behind, fsync", durable.Time, bytes, cp / durable.Time, durable.PeakRss, $"vs cp; {Cpu("durable")}");
            Row("  same", durable.Time, bytes, cpSync / durable.Time, null, "vs cp && sync (same durability)");
            Row("  same", durable.Time, bytes, dd / durable.Time, null, "vs dd oflag=direct");
            Row("  same", durable.Time, bytes, sha / durable.Time, null, "vs sha256sum");
            Row("  same", durable.Time, bytes, shaMemory / durable.Time, null, "vs SHA-256 in memory (1.0 = nothing but the hash)");
            Row("backup without flush-behind (fsync at the end only)", noBehind.Time, bytes, cpSync / noBehind.Time, noBehind.PeakRss, "vs cp && sync");
            Row("backup into the page cache (no flush-behind, no fsync)", pageCache.Time, bytes, cp / pageCache.Time, pageCache.PeakRss, "vs cp");
            Row("  same without verification (SHA-256 only)", shaOnly.Time, bytes, cp / shaOnly.Time, shaOnly.PeakRss, "vs cp");
            Row("snapshot (frozen folder), defaults: SHA-256, verify, fsync", snapshotDurable.Time, bytes, cp / snapshotDurable.Time, snapshotDurable.PeakRss, $"vs cp; {Cpu("snapshot durable")}");
            Row("  same", snapshotDurable.Time, bytes, cpSync / snapshotDurable.Time, null, "vs cp && sync (same durability)");
            Row("  same", snapshotDurable.Time, bytes, sha / snapshotDurable.Time, null, "vs sha256sum");
            Row("  same", snapshotDurable.Time, bytes, durable.Time / snapshotDurable.Time, null, "vs the streaming backup (1.0 = as fast)");
            Row("snapshot into the page cache (no flush-behind, no fsync)", snapshotPageCache.Time, bytes, cp / snapshotPageCache.Time, snapshotPageCache.PeakRss, "vs cp");
            // The native-path row: the same pipeline over the native binding and the C fixture vs the model.
            var native = await NativePathBenchmark.RunAsync(new NativePathBenchmarkOptions { InstanceFolder = small, WorkFolder = Path.Combine(work, "native"), Rounds = runs }).ConfigureAwait(false);
            Console.WriteLine($"{"backup through the native binding (fixture)",-52} {native.Native.TotalSeconds,8:F2} {Baselines.GigabytesPerSecond(native.Bytes, native.Native),7:F2} {native.Ratio,7:F2} {"-",10} time vs the in-process model (aim <= 1.05)");
            PrintLogRows();
            Console.WriteLine($"peak RSS: {Mib(smallRun.PeakRss)} at {bytes / 4 / (double)(1L << 30):F2} GiB, {Mib(durable.PeakRss)} at {bytes / (double)(1L << 30):F2} GiB (buffers: (queue 4 + 2) x 1 MiB)");
            Console.WriteLine($"peak RSS, snapshot: {Mib(smallSnapshotRun.PeakRss)} at {bytes / 4 / (double)(1L << 30):F2} GiB, {Mib(snapshotDurable.PeakRss)} at {bytes / (double)(1L << 30):F2} GiB (buffers: (queue 4 + 2) x 4 MiB)");
            return 0;
        }
        finally
        {
            if (Option(args, "--keep") is null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>
    /// The child: one full backup, printing {seconds, bytes, peakRss} as JSON. With <c>--sink-only</c> the instance's
    /// files are read into memory first and only their writing through the directory sink (begin, each file, commit)
    /// is timed.
    /// </summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var instance = Option(args, "--instance")!;
        var to = Option(args, "--to")!;
        Directory.CreateDirectory(to);
        if (args.Contains("--sink-only"))
        {
            return await RunSinkOnlyAsync(instance, to).ConfigureAwait(false);
        }

        if (Option(args, "--warm-up") is { } warmUp)
        {
            // An agent's earlier backup: same code, same options, another copy of the instance and another target;
            // written to the disk and removed before the timed backup so it leaves no writeback behind.
            var warmTo = to + "-warm-up";
            var warmArgs = args.ToList();
            var at = warmArgs.IndexOf("--warm-up");
            warmArgs.RemoveRange(at, 2);
            // Twice: tiered compilation counts calls only once the first run's compiling has quieted down, so the
            // hot methods reach their optimized code during the second.
            // Each from a pristine copy of its own (the model records a backup in the instance's folder).
            for (var run = 0; run < WarmUpBackups; run++)
            {
                var copy = $"{warmUp}-{run}";
                CopyFolder(warmUp, copy);
                Directory.CreateDirectory(warmTo);
                await BackupAsync(copy, warmTo, [.. warmArgs], new PhaseClock()).ConfigureAwait(false);
                Directory.Delete(warmTo, true);
                Directory.Delete(copy, true);
                SettleTieredCompilation();
            }

            Baselines.TimeCommand("sync");
        }

        var cpu = CpuTime.OfSelf();
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var phases = new PhaseClock();
        var watch = Stopwatch.StartNew();
        var manifest = await BackupAsync(instance, to, args, phases).ConfigureAwait(false);
        watch.Stop();
        PrintChildFigures(watch.Elapsed, manifest.Files.Sum(f => f.Bytes), cpu, jit, phases.ToString());
        return 0;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// Waits (at most a few seconds) until the runtime stops compiling: after the warm-up backup, tiered compilation
    /// recompiles its hot methods in the background, which an agent process has long finished before its next backup.
    /// </summary>
    private static void SettleTieredCompilation()
    {
        var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
        for (var wait = 0; wait < 20; wait++)
        {
            Thread.Sleep(250);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == methods)
            {
                return;
            }

            methods = now;
        }
    }

    /// <summary>One backup of <paramref name="instance"/> into <paramref name="to"/> with the child's options.</summary>
    private static async Task<BackupManifest> BackupAsync(string instance, string to, string[] args, PhaseClock phases)
    {
        var engine = EngineModel.Open(instance, new EngineModelOptions { VerifyPages = false, RecordCalls = false });
        var options = args.Contains("--no-verify") ? new StreamingBackupOptions { CreateVerifier = null } : new StreamingBackupOptions();
        if (Option(args, "--chunk-mib") is { } chunk)
        {
            options = options with { ChunkSize = int.Parse(chunk, CultureInfo.InvariantCulture) << 20 };
        }

        if (Option(args, "--queue") is { } queue)
        {
            options = options with { QueueDepth = int.Parse(queue, CultureInfo.InvariantCulture) };
        }
        await using ExternalBackup.Sinks.IBackupSink sink = args.Contains("--null-sink")
            ? new ExternalBackup.Sinks.NullSink()
            : new DirectorySink(to, new DirectorySinkOptions
            {
                FlushToDisk = args.Contains("--flush"),
                FlushBehind = !args.Contains("--buffered"),
                FlushBehindWindow = Option(args, "--window-mib") is { } window ? int.Parse(window, CultureInfo.InvariantCulture) << 20 : new DirectorySinkOptions().FlushBehindWindow,
            });
        return args.Contains("--frozen")
            ? await new ExternalBackup.Snapshots.FrozenFolderBackup(new ExternalBackup.Snapshots.FrozenFolderSource(null, new ExternalBackup.Snapshots.FrozenFolderSourceOptions { Verify = !args.Contains("--no-verify") }))
                .RunAsync(ExternalBackup.Snapshots.FrozenFolderLayout.Single(instance), sink, BackupKind.Copy).ConfigureAwait(false)
            : (await new StreamingBackup(engine, sink, options).RunAsync(BackupKind.Copy, phases).ConfigureAwait(false)).Manifest;
    }

    /// <summary>The child's one line: wall time, bytes, peak RSS, and the CPU and JIT time of the timed region (and of the whole process, start included).</summary>
    private static void PrintChildFigures(TimeSpan elapsed, long bytes, CpuTime cpuBefore, TimeSpan jitBefore, string? phases)
    {
        var cpu = CpuTime.OfSelf() - cpuBefore;
        var process = CpuTime.OfSelf();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            seconds = elapsed.TotalSeconds,
            bytes,
            peakRss = ProcessMemory.PeakResidentBytes(),
            userSeconds = cpu.User.TotalSeconds,
            sysSeconds = cpu.Kernel.TotalSeconds,
            jitSeconds = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds,
            processCpuSeconds = process.Total.TotalSeconds,
            phases,
        }));
    }

    private static async Task<int> RunSinkOnlyAsync(string instance, string to)
    {
        var files = Directory.GetFiles(instance).Order(StringComparer.Ordinal)
            .Select(f => (Path: "files/" + Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToList();
        var manifestFiles = files.Select(f => new ManifestFile { Path = f.Path, Kind = BackupFileKind.Other, Bytes = f.Bytes.Length, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f.Bytes)) }).ToList();
        var started = DateTimeOffset.UnixEpoch;
        var manifest = new BackupManifest { SetId = "sink", Kind = BackupKind.Copy, StartedUtc = started, CompletedUtc = started, Instance = "sink", Source = "ebbench", Files = manifestFiles };
        const int Chunk = 1 << 20;
        var cpu = CpuTime.OfSelf();
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var watch = Stopwatch.StartNew();
        await using (var sink = new DirectorySink(to))
        {
            await sink.BeginSetAsync(new ExternalBackup.Sinks.BackupSetDescriptor("sink", BackupKind.Copy, started, "sink"), default).ConfigureAwait(false);
            for (var i = 0; i < files.Count; i++)
            {
                var (path, bytes) = files[i];
                var descriptor = new ExternalBackup.Sinks.BackupFileDescriptor(path, BackupFileKind.Other, bytes.Length, path);
                await sink.OpenFileAsync(descriptor, default).ConfigureAwait(false);
                for (var offset = 0; offset < bytes.Length; offset += Chunk)
                {
                    await sink.WriteAsync(new ExternalBackup.Sinks.BackupChunk(offset, bytes.AsMemory(offset, Math.Min(Chunk, bytes.Length - offset))), default).ConfigureAwait(false);
                }

                await sink.CompleteFileAsync(new ExternalBackup.Sinks.CompletedFile(descriptor, bytes.Length, manifestFiles[i].Sha256), default).ConfigureAwait(false);
            }

            await sink.CommitAsync(manifest, default).ConfigureAwait(false);
        }

        watch.Stop();
        PrintChildFigures(watch.Elapsed, files.Sum(f => (long)f.Bytes.Length), cpu, jit, null);
        return 0;
    }

    private static Run ChildRun(string instance, string work, params string[] extra)
    {
        var to = Path.Combine(work, "backup-target");
        if (Directory.Exists(to))
        {
            Directory.Delete(to, true);
        }

        Baselines.TimeCommand("sync");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BackupBenchmark).Assembly.Location);
        }

        foreach (var a in new[] { "backup-child", "--instance", instance, "--to", to }.Concat(extra))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"backup child failed ({process.ExitCode}): {output}");
        }

        var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Directory.Delete(to, true);
        TimeSpan Seconds(string name) => TimeSpan.FromSeconds(json.GetProperty(name).GetDouble());
        var phases = json.TryGetProperty("phases", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return new Run(Seconds("seconds"), json.GetProperty("peakRss").GetInt64(), new CpuTime(Seconds("userSeconds"), Seconds("sysSeconds")), Seconds("jitSeconds"), Seconds("processCpuSeconds"), phases);
    }

    private static async Task<long> MakeInstanceAsync(string folder, double sizeGib, int logs = 8)
    {
        var pages = (long)(sizeGib * (1L << 30) / 4096);
        await SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
        {
            Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageCount = pages, ZeroPageFraction = 0.05, Seed = 3 })],
            // The checkpoint at the first log: a full or copy backup then takes every log.
            Logs = new SyntheticLogSetOptions { Count = logs, LogFileSize = 1 << 20, Checkpoint = new ExternalBackup.Formats.Primitives.LogPosition(1, 1, 0) },
        }).ConfigureAwait(false);
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }

    private static void Row(string what, TimeSpan time, long bytes, double? ratio, long? peakRss, string? against = null) =>
        Console.WriteLine($"{what,-52} {time.TotalSeconds,8:F2} {Baselines.GigabytesPerSecond(bytes, time),7:F2} {(ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "-"),7} {(peakRss is { } p ? Mib(p) : "-"),10} {against}");

    /// <summary>
    /// Where <c>cp</c> starts waiting for the disk (Linux): writers are throttled once about <c>vm.dirty_ratio</c>
    /// percent of memory (or <c>vm.dirty_bytes</c>) is dirty. An instance below that is still in memory when
    /// <c>cp</c> returns, while the backup has put it on the disk; above it, both wait for the disk.
    /// </summary>
    private static string? PageCacheNote(long bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        static long Read(string path) => File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var v) ? v : 0;
        var memTotal = File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).FirstOrDefault();
        var dirtyBytes = Read("/proc/sys/vm/dirty_bytes");
        var limit = dirtyBytes > 0 ? dirtyBytes : Read("/proc/sys/vm/dirty_ratio") * memTotal / 100;
        if (limit <= 0)
        {
            return null;
        }

        const double GiB = 1L << 30;
        return bytes < limit
            ? $"page cache: writers wait for the disk past about {limit / GiB:F1} GiB of dirty pages; this instance ({bytes / GiB:F2} GiB) stays under it, so `cp` returns with the copy still in memory, while the backup's figure includes putting it on the disk"
            : $"page cache: writers wait for the disk past about {limit / GiB:F1} GiB of dirty pages; this instance ({bytes / GiB:F2} GiB) is larger, so `cp` waits for the disk too, as copying a production-sized database does";
    }

    private static string Mib(long bytes) => $"{bytes / (double)(1 << 20):F0} MiB";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
