using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// docs/json.md against the program: every command runs on a sample (the xp-catroot2 instance, a full and an
/// incremental backup of it, a damaged copy) and its <c>--json</c> object is compared key by key with the example of
/// the same name in the doc (<see cref="JsonShape"/>); every name is camelCase; every example is run.
/// </summary>
public sealed partial class JsonVocabularyTests
{
    [Test]
    public async Task Every_commands_json_has_the_shape_of_its_example_in_docs_json_md()
    {
        var examples = Examples();
        using var scratch = new ScratchDirectory("json-vocabulary");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = Path.Combine(scratch.Path, "backups");
        var database = Directory.GetFiles(instance, "catdb", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var printed = new List<(string Example, string[] Args, int Exit, string Out, string Err)>();

        async Task Run(string example, int exit, params string[] args)
        {
            var (code, output, error) = await CliRun.InProcess(args);
            Assert.That(code, Is.EqualTo(exit), $"{string.Join(' ', args)}: {output}{error}");
            printed.Add((example, args, code, output, error));
        }

        await Run("backup", 0, "backup", "--engine", "model", "--instance", instance, "--to", destination, "--create-destination", "--json");
        await Run("backup", 0, "backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "incremental", "--json");
        await Run("list", 0, "list", "--from", destination, "--json");
        await Run("verifydest", 0, "verify", destination, "--json");
        await Run("verifyonly", 0, "restore", "--from", destination, "--verify-only", "--json");
        await Run("restore", 0, "restore", "--from", destination, "--to", Path.Combine(scratch.Path, "restored"), "--json");
        await Run("verifypath", 0, "verify", database, "--json");
        await Run("verifypath", 0, "verify", instance, "--json");
        await Run("inspect", 0, "inspect", database, "--json");
        await Run("inspectlog", 0, "inspect", Path.Combine(instance, "edb.log"), "--json");
        await Run("inspectchk", 0, "inspect", Path.Combine(instance, "edb.chk"), "--json");
        await Run("error", 2, "list", "--from", Path.Combine(scratch.Path, "missing"), "--json");
        await Run("error", 2, "backup", "--engine", "model", "--instance", instance, "--to", destination, "--log-folder", instance, "--json");

        // Damage: problems are objects of one shape in verify PATH and verify DEST alike.
        var corrupt = TestPaths.CopyCorpusSet("srudb-corrupt-tail", scratch, "corrupt");
        await Run("verifypath", 1, "verify", Path.Combine(corrupt, "SRUDB.dat"), "--json");
        var log = Directory.GetFiles(destination, "*.log", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.WriteAllBytes(log, File.ReadAllBytes(log)[..^1]);
        await Run("verifydest", 1, "verify", destination, "--json");
        await Run("verifyonly", 1, "restore", "--from", destination, "--verify-only", "--json");

        Assert.Multiple(() =>
        {
            Assert.That(printed.Select(p => p.Example).Distinct().Order(), Is.EqualTo(examples.Keys.Order()), "every example in docs/json.md is run, and every run has one");
            foreach (var (example, args, exit, output, _) in printed)
            {
                var json = JsonNode.Parse(output)!;
                var what = $"{string.Join(' ', args.Select(a => a.StartsWith(scratch.Path, StringComparison.Ordinal) ? "…" : a))} against example '{example}'";
                Assert.That(JsonShape.Differences(examples[example], json), Is.Empty, what);
                Assert.That(Names(json).Where(n => !CamelCase().IsMatch(n)).Distinct(), Is.Empty, $"{what}: camelCase names");
                Assert.That(json["schemaVersion"]!.GetValue<int>(), Is.EqualTo(ExternalBackup.Cli.Json.CliJson.SchemaVersion), what);
                Assert.That(json["ok"]!.GetValue<bool>(), Is.EqualTo(exit == 0), $"{what}: ok is exit code 0");
                Assert.That(json["command"]!.GetValue<string>(), Is.EqualTo(args[0]), what);
            }
        });
    }

    private static Dictionary<string, JsonNode> Examples()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "json.md"));
        var examples = ExampleBlock().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => JsonNode.Parse(m.Groups[2].Value)!);
        Assert.That(examples, Is.Not.Empty, "docs/json.md has no <!-- example: NAME --> blocks");
        return examples;
    }

    private static IEnumerable<string> Names(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [p.Key] : Names(p.Value).Prepend(p.Key)),
        JsonArray a => a.Where(e => e is not null).SelectMany(e => Names(e!)),
        _ => [],
    };

    [GeneratedRegex(@"<!-- example: (\w+) -->\s*```json\s*\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCase();
}
