using System.Text.Json;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>
/// Full, differential and incremental sets of the engine model, each written at once to a folder, a tar archive
/// and S3 (the real Swift), then listed, verified and restored through the command line from every destination:
/// every restore is byte-identical to the folder's, logs equal the instance's, databases equal the source page by
/// page (the stream's two header pages and trailer page accounted for).
/// </summary>
[TestFixture]
public sealed class RestoreRoundTripTests
{
    private const int PageSize = 4096;

    [Test]
    public async Task Every_destination_lists_verifies_and_restores_the_same_chain_byte_identically()
    {
        using var scratch = new ScratchDirectory("roundtrip");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        await using var store = await S3TestStore.CreateAsync();
        var folder = scratch.Sub("folder");
        var archives = scratch.Sub("archives");
        var sourceDatabases = Directory.GetFiles(instance, "catdb", SearchOption.AllDirectories).ToDictionary(p => Path.GetFileName(Path.GetDirectoryName(p))!, File.ReadAllBytes);
        var sourceLogs = new Dictionary<string, byte[]>();
        var currentLogs = new List<byte[]>();
        var results = new List<BackupResult>();
        foreach (var (kind, n) in new[] { (BackupKind.Full, 1), (BackupKind.Differential, 2), (BackupKind.Incremental, 3) })
        {
            foreach (var log in Directory.GetFiles(instance, "edb0*.log"))
            {
                sourceLogs.TryAdd(Path.GetFileName(log), File.ReadAllBytes(log));
            }

            // The backup rolls the current log into the generation it copies; full and incremental then truncate it.
            currentLogs.Add(File.ReadAllBytes(Path.Combine(instance, "edb.log")));
            await using var sink = new TeeSink(new DirectorySink(folder), new TarSink(Path.Combine(archives, $"{n}-{kind.Name()}.tar")), new S3Sink(store.SinkOptions()));
            results.Add(await new StreamingBackup(EngineModel.Open(instance), sink).RunAsync(kind));
            foreach (var log in Directory.GetFiles(instance, "edb0*.log"))
            {
                sourceLogs.TryAdd(Path.GetFileName(log), File.ReadAllBytes(log));
            }
        }

        var ids = results.Select(r => r.Manifest.SetId).ToList();
        var s3 = $"s3://{store.Bucket}/backups";
        var destinations = new[] { folder, $"tar:{archives}", s3 };
        Environment.SetEnvironmentVariable("S3_ACCESS_KEY", SwiftServer.AccessKey);
        Environment.SetEnvironmentVariable("S3_SECRET_KEY", SwiftServer.SecretKey);
        Environment.SetEnvironmentVariable("S3_REGION", SwiftServer.Region);
        var endpoint = SwiftServer.Endpoint.ToString();
        var restores = new Dictionary<string, string>();
        foreach (var (destination, i) in destinations.Select((d, i) => (d, i)))
        {
            var (exit, output, error) = await Cli(["list", "--from", destination, "--json", .. EndpointFor(destination)]);
            Assert.That(exit, Is.Zero, error);
            var rows = JsonDocument.Parse(output).RootElement.GetProperty("sets").EnumerateArray().ToList();
            Assert.That(rows.Select(r => r.GetProperty("setId").GetString()), Is.EqualTo(ids), destination);
            Assert.That(rows.All(r => r.GetProperty("chainComplete").GetBoolean()), Is.True, destination);

            (exit, output, error) = await Cli(["verify", destination, .. EndpointFor(destination)]);
            Assert.That(exit, Is.Zero, $"{destination}: {output}{error}");
            Assert.That(output, Does.Contain("all 3 sets intact"));

            var target = Path.Combine(scratch.Path, $"restored-{i}");
            (exit, output, error) = await Cli(["restore", "--from", destination, "--to", target, "--json", .. EndpointFor(destination)]);
            Assert.That(exit, Is.Zero, $"{destination}: {error}");
            var plan = JsonDocument.Parse(output).RootElement;
            Assert.That(plan.GetProperty("logFolder").GetString(), Is.EqualTo(Path.Combine(target, "logs")));
            restores[destination] = target;

            var partial = Path.Combine(scratch.Path, $"restored-inc-{i}");
            (exit, output, error) = await Cli(["restore", "--from", destination, "--to", partial, "--set", ids[1], "--json", .. EndpointFor(destination)]);
            Assert.That(exit, Is.Zero, $"{destination}: {error}");
            var partialPlan = JsonDocument.Parse(output).RootElement;
            Assert.That(partialPlan.GetProperty("sets").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(ids.Take(2)));
            Assert.That(partialPlan.GetProperty("logGenerations").GetProperty("high").GetInt64(), Is.EqualTo(results[1].Manifest.LogGenerations!.High));
        }

        var reference = Tree(restores[folder]);
        Assert.That(reference.Keys, Has.Some.StartsWith("databases/").And.Some.StartsWith("logs/"));
        foreach (var destination in destinations.Skip(1))
        {
            var tree = Tree(restores[destination]);
            Assert.That(tree.Keys, Is.EqualTo(reference.Keys), destination);
            foreach (var (path, bytes) in reference)
            {
                Assert.That(tree[path], Is.EqualTo(bytes), $"{destination}: {path} equals the folder restore's");
            }
        }

        foreach (var (path, bytes) in reference.Where(p => p.Key.StartsWith("logs/", StringComparison.Ordinal)))
        {
            if (sourceLogs.TryGetValue(Path.GetFileName(path), out var source))
            {
                Assert.That(bytes, Is.EqualTo(source), $"{path} equals the instance's log");
            }
            else
            {
                Assert.That(currentLogs.Any(c => c.AsSpan().SequenceEqual(bytes)), Is.True, $"{path} equals the current log a backup rolled");
            }
        }

        foreach (var (path, stream) in reference.Where(p => p.Key.StartsWith("databases/", StringComparison.Ordinal)))
        {
            var source = sourceDatabases[path.Split('/')[1]];
            Assert.That(stream.Length, Is.EqualTo(source.Length + PageSize), $"{path}: 2 header pages + the data pages + 1 trailer page");
            Assert.That(stream.AsSpan(0, PageSize).SequenceEqual(stream.AsSpan(PageSize, PageSize)), Is.True, $"{path}: the header and its shadow copy are equal");
            for (var page = 2; page < source.Length / PageSize; page++)
            {
                Assert.That(stream.AsSpan(page * PageSize, PageSize).SequenceEqual(source.AsSpan(page * PageSize, PageSize)), Is.True, $"{path}: page {page - 1} equals the source's");
            }
        }

        // Nothing to verify on S3: an empty prefix exits 1.
        var (vexit, _, verror) = await Cli("restore", "--from", $"s3://{store.Bucket}/nothing-here", "--verify-only", "--s3-endpoint", endpoint);
        Assert.That(vexit, Is.EqualTo(1), verror);
        Assert.That(verror, Does.Contain("holds no committed backup set"));
    }

    private static Dictionary<string, byte[]> Tree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "restore.json")
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes);

    /// <summary>--s3-endpoint applies to s3:// destinations only (the command line refuses it for the others).</summary>
    private static string[] EndpointFor(string destination) =>
        destination.StartsWith("s3://", StringComparison.Ordinal) ? ["--s3-endpoint", SwiftServer.Endpoint.ToString()] : [];

    private static async Task<(int Exit, string Out, string Err)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ExternalBackup.Cli.Program.MainAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
