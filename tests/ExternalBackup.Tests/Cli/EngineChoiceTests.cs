using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// Safe defaults: a streaming backup names its engine (the engine model is a demo and test double, said so in help and
/// output), and the CLI loads ExternalBackup.Testing only for <c>sample</c> and <c>--engine model</c>.
/// </summary>
public sealed class EngineChoiceTests
{
    private const string Testing = "ExternalBackup.Testing";

    [Test]
    public async Task A_streaming_backup_without_an_engine_is_refused_in_one_line_before_the_destination_is_touched()
    {
        using var scratch = new ScratchDirectory("cli-engine");
        var destination = Path.Combine(scratch.Path, "backups");
        foreach (var args in new[]
        {
            new[] { "backup", "--instance", scratch.Path, "--to", destination, "--create-destination" },
            ["backup", "--vss", "--fallback", "streaming", "--instance", scratch.Path, "--to", destination, "--create-destination"],
        })
        {
            var (exit, output, error) = await CliRun.InProcess(args);
            Assert.That(exit, Is.EqualTo(2), string.Join(' ', args));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Contain("--engine native").And.Contain("--engine model").And.Contain("demo engine model").And.Contain("--from-snapshot"));
            Assert.That(output, Is.Empty);
            Assert.That(Directory.Exists(destination), Is.False, "refused before the destination was created");
        }
    }

    [Test]
    public async Task The_help_and_the_text_report_name_the_model_a_demo_engine()
    {
        var (exit, help, _) = await CliRun.InProcess("backup", "--help");
        Assert.That(exit, Is.Zero);
        Assert.That(help, Does.Contain("model: the demo engine model (a test double that rewrites the instance folder)"));

        using var scratch = new ScratchDirectory("cli-engine");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var (bexit, output, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", scratch.Sub("backups"), "--kind", "copy");
        Assert.That(bexit, Is.Zero, error);
        Assert.That(output, Does.Contain(ExternalBackup.Cli.EngineSelection.DemoNote));
        Assert.That(ExternalBackup.Cli.EngineSelection.DemoNote, Does.Contain("demo engine model").And.Contain("--engine native"));
    }

    [Test]
    public async Task A_backup_from_a_snapshot_never_loads_the_testing_assembly_and_one_with_the_model_does()
    {
        using var scratch = new ScratchDirectory("cli-engine");
        var frozen = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "frozen");
        var snapshot = await RunIsolatedAsync("backup", "--from-snapshot", frozen, "--to", scratch.Sub("from-snapshot"));
        Assert.That(snapshot.Exit, Is.Zero, snapshot.Error);
        Assert.That(snapshot.Loaded, Does.Contain("ExternalBackup").And.Contain("ExternalBackup.Formats"), "the isolated context served the CLI's libraries");
        Assert.That(snapshot.Loaded, Does.Not.Contain(Testing));

        // The same check sees the assembly when the model is chosen: it can tell.
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var model = await RunIsolatedAsync("backup", "--engine", "model", "--instance", instance, "--to", scratch.Sub("model"), "--kind", "copy");
        Assert.That(model.Exit, Is.Zero, model.Error);
        Assert.That(model.Loaded, Does.Contain(Testing));
    }

    [Test]
    public async Task Sample_says_where_the_sets_went_and_that_the_engine_was_the_model()
    {
        using var scratch = new ScratchDirectory("cli-sample");
        var root = Path.Combine(scratch.Path, "sample");
        var (exit, output, error) = await CliRun.InProcess("sample", "--out", root, "--size-mib", "1");
        Assert.That(exit, Is.Zero, error);
        var backups = Path.Combine(root, "backups");
        var line = output.Split('\n').Single(l => l.StartsWith("backup sets: ", StringComparison.Ordinal));
        Assert.That(line, Does.Contain(backups).And.Contain("the demo engine model"));
        Assert.That(Directory.GetDirectories(backups).Count(d => !Path.GetFileName(d).StartsWith('.')), Is.EqualTo(2), "a full and an incremental set are where the line says");
    }

    /// <summary>
    /// Runs the CLI from its own assembly files in a fresh load context, which is asked for every assembly of the
    /// folder the CLI needs as it is first used; returns the names it was asked for.
    /// </summary>
    private static async Task<(int Exit, string Error, IReadOnlyCollection<string> Loaded)> RunIsolatedAsync(params string[] args)
    {
        var context = new CliLoadContext(AppContext.BaseDirectory);
        try
        {
            var cli = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "esebackup.dll"));
            var main = cli.GetType("ExternalBackup.Cli.Program", throwOnError: true)!.GetMethod("MainAsync", BindingFlags.Public | BindingFlags.Static)!;
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await (Task<int>)main.Invoke(null, [args, output, error, CancellationToken.None])!;
            return (exit, error.ToString(), context.Loaded.ToHashSet());
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class CliLoadContext(string folder) : AssemblyLoadContext("esebackup-under-test", isCollectible: true)
    {
        public ConcurrentQueue<string> Loaded { get; } = new();

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            if (!File.Exists(path))
            {
                return null; // the framework's, from the default context
            }

            Loaded.Enqueue(assemblyName.Name!);
            return LoadFromAssemblyPath(path);
        }
    }
}
