using System.Diagnostics;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;

namespace ExternalBackup.Benchmarks;

/// <summary>Options of <see cref="NativePathBenchmark.RunAsync"/>; every default is stated on its property.</summary>
public sealed record NativePathBenchmarkOptions
{
    /// <summary>The instance folder to back up (databases, logs, checkpoint). Required. It is copied, never changed.</summary>
    public required string InstanceFolder { get; init; }

    /// <summary>A scratch folder for the copies and the backups. Required; emptied of this benchmark's files at the end.</summary>
    public required string WorkFolder { get; init; }

    /// <summary>
    /// The native fixture library. Default <see langword="null"/>: built from <c>tests/native-fixture/esefixture.c</c>
    /// with gcc (-O2) into <see cref="WorkFolder"/>.
    /// </summary>
    public string? FixtureLibrary { get; init; }

    /// <summary>Timed rounds per engine after one untimed warm-up round; the figure is the median. Default 3. The engines alternate which one runs first.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Write the sets to a <see cref="DirectorySink"/> (with flushes) instead of a <see cref="NullSink"/>. Default <see langword="false"/>: only the engine path is compared.</summary>
    public bool ToDisk { get; init; }

    /// <summary>Pipeline options (chunk size, queue depth). Default: the pipeline's defaults.</summary>
    public StreamingBackupOptions Pipeline { get; init; } = new();
}

/// <summary>The figures of one native-path run.</summary>
/// <param name="Bytes">Bytes backed up per round (databases streamed plus logs).</param>
/// <param name="Model">Median time of a full backup through the in-process model.</param>
/// <param name="Native">Median time of the same backup through the native binding and the C fixture.</param>
public sealed record NativePathBenchmarkResult(long Bytes, TimeSpan Model, TimeSpan Native)
{
    /// <summary>Native time over model time: 1.05 means the native path costs 5% more.</summary>
    public double Ratio => Native.TotalSeconds / Model.TotalSeconds;

    /// <summary>One line for the benchmark table.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"native path (fixture) vs model: {Bytes / 1048576.0:F1} MiB, model {Model.TotalMilliseconds:F0} ms, native {Native.TotalMilliseconds:F0} ms, ratio {Ratio:F3}");
}

/// <summary>
/// The native-path row of ebbench: the same full backup of the same files run through the pipeline over the engine
/// model and over <see cref="NativeEngineHost"/> loading the C fixture (tests/native-fixture), timed in the same run.
/// Each round works on fresh copies of the instance (copying is not timed). The model's own page checks are off,
/// as the fixture does none, so the figure is the cost of the native boundary itself.
/// </summary>
public static class NativePathBenchmark
{
    /// <summary>Runs the comparison.</summary>
    /// <exception cref="InvalidOperationException">gcc is missing or fails, or the two engines backed up different bytes.</exception>
    public static async Task<NativePathBenchmarkResult> RunAsync(NativePathBenchmarkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Rounds must be at least 1.");
        }

        var work = Path.Combine(options.WorkFolder, "native-path-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var library = options.FixtureLibrary ?? BuildFixture(work);
            var model = new List<TimeSpan>();
            var native = new List<TimeSpan>();
            long bytes = 0;
            for (var round = -1; round < options.Rounds; round++)
            {
                // round -1 warms up both paths (JIT, library load, file cache) and is not counted
                var order = round % 2 == 0 ? new[] { false, true } : new[] { true, false };
                foreach (var useNative in order)
                {
                    var (elapsed, manifest) = await RoundAsync(options, library, work, useNative, round, cancellationToken).ConfigureAwait(false);
                    var total = manifest.Files.Sum(f => f.Bytes);
                    if (bytes != 0 && total != bytes)
                    {
                        throw new InvalidOperationException($"the two engines backed up different amounts: {bytes} and {total} bytes");
                    }

                    bytes = total;
                    if (round >= 0)
                    {
                        (useNative ? native : model).Add(elapsed);
                    }
                }
            }

            return new NativePathBenchmarkResult(bytes, Median(model), Median(native));
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>Builds the fixture library from the repository's C source into <paramref name="folder"/>.</summary>
    public static string BuildFixture(string folder)
    {
        var source = Path.Combine(RepositoryRoot(), "tests", "native-fixture", "esefixture.c");
        var output = Path.Combine(folder, "libesefixture.so");
        var start = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-o", output, source, "-lpthread" })
        {
            start.ArgumentList.Add(a);
        }

        Process? gcc;
        try
        {
            gcc = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"the native-path benchmark needs gcc to build {source}: {e.Message}", e);
        }

        using (gcc)
        {
            if (gcc is null)
            {
                throw new InvalidOperationException("gcc did not start");
            }

            var stderr = gcc.StandardError.ReadToEnd();
            gcc.StandardOutput.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException($"gcc failed to build {source}: {stderr}");
            }
        }

        return output;
    }

    private static async Task<(TimeSpan Elapsed, BackupManifest Manifest)> RoundAsync(
        NativePathBenchmarkOptions options, string library, string work, bool useNative, int round, CancellationToken cancellationToken)
    {
        var name = $"{(useNative ? "native" : "model")}-{round}";
        var instance = Path.Combine(work, name, Path.GetFileName(Path.TrimEndingDirectorySeparator(options.InstanceFolder)));
        CopyTree(options.InstanceFolder, instance);
        var databases = NativeEngineHost.FindDatabases(instance);
        var output = Path.Combine(work, name + "-out");
        Directory.CreateDirectory(output);
        IBackupSink sink = options.ToDisk ? new DirectorySink(output) : new NullSink();
        try
        {
            var watch = Stopwatch.StartNew();
            BackupResult result;
            if (useNative)
            {
                using var host = NativeEngineHost.Open(new NativeEngineHostOptions { LibraryPath = library, SystemPath = instance, Databases = databases });
                result = await new StreamingBackup(host, sink, options.Pipeline).RunAsync(BackupKind.Full, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var model = EngineModel.Open(instance, new EngineModelOptions { Databases = databases, VerifyPages = false });
                result = await new StreamingBackup(model, sink, options.Pipeline).RunAsync(BackupKind.Full, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            watch.Stop();
            return (watch.Elapsed, result.Manifest);
        }
        finally
        {
            (sink as IDisposable)?.Dispose();
            TryDelete(Path.Combine(work, name));
            TryDelete(output);
        }
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExternalBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ExternalBackup.sln (and tests/native-fixture) not found above {AppContext.BaseDirectory}");
    }
}
