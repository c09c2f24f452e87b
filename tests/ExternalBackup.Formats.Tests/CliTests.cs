using System.Text.Json.Nodes;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary>The <c>verify</c> and <c>inspect</c> commands, run through <c>ExternalBackup.Cli.Program.Main</c>.</summary>
[NonParallelizable]
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var code = ExternalBackup.Cli.Program.Main(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Test]
    public void Verify_json_on_the_xp_set_exits_0_and_lists_every_file()
    {
        using var scratch = new ScratchDirectory("cli-xp");
        var set = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch);
        var (code, output, err) = Run("verify", set, "--json");
        Assert.That(code, Is.Zero, output + err);
        var json = JsonNode.Parse(output)!;
        var files = json["files"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(json["ok"]!.GetValue<bool>(), Is.True);
            Assert.That(files, Has.Count.EqualTo(11));
            Assert.That(files.Select(f => f!["kind"]!.GetValue<string>()).Distinct().Order(), Is.EqualTo(new[] { "checkpoint", "database", "log", "reserve" }));
            Assert.That(files.All(f => f!["ok"]!.GetValue<bool>() && f["path"]!.GetValue<string>().StartsWith(set, StringComparison.Ordinal)), Is.True);
            var db = files.First(f => f!["kind"]!.GetValue<string>() == "database")!;
            Assert.That(db["pageSize"]!.GetValue<int>(), Is.EqualTo(4096));
            Assert.That(db["pagesChecked"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(db["badPages"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public void Verify_json_on_srudb_exits_1_with_bad_pages_143_to_158()
    {
        using var scratch = new ScratchDirectory("cli-srudb");
        var set = TestPaths.CopyCorpusSet("srudb-corrupt-tail", scratch);
        var (code, output, _) = Run("verify", "--json", Path.Combine(set, "SRUDB.dat"));
        Assert.That(code, Is.EqualTo(1));
        var file = JsonNode.Parse(output)!["files"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(file["kind"]!.GetValue<string>(), Is.EqualTo("database"));
            Assert.That(file["ok"]!.GetValue<bool>(), Is.False);
            Assert.That(file["badPages"]!.AsArray().Select(p => p!.GetValue<long>()), Is.EqualTo(Enumerable.Range(143, 16).Select(i => (long)i)));
        });
    }

    [Test]
    public void Verify_text_names_the_missing_generation_of_the_dirty_database()
    {
        using var scratch = new ScratchDirectory("cli-ual");
        var set = TestPaths.CopyCorpusSet("ual-hyperv-dirty", scratch);
        var (code, output, _) = Run("verify", set);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("Current.mdb generation 124 (0x7C)").And.Contain("Dirty Shutdown"));
        Assert.That(output, Does.Contain("Current.mdb - INCOMPLETE"), "pages are good; only the logs are missing");
    }

    [Test]
    public void Usage_and_io_errors_exit_2()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Run("verify").Code, Is.EqualTo(2), "no path");
            Assert.That(Run("verify", "/no/such/path-" + Guid.NewGuid()).Code, Is.EqualTo(2), "missing path");
            Assert.That(Run("inspect").Code, Is.EqualTo(2), "no file");
            Assert.That(Run("inspect", "/no/such/file-" + Guid.NewGuid()).Code, Is.EqualTo(2), "missing file");
        });
    }

    [Test]
    public void Inspect_json_prints_database_header_fields()
    {
        var (code, output, err) = Run("inspect", TestPaths.CorpusFile("ual-hyperv-dirty/Current.mdb"), "--json");
        Assert.That(code, Is.Zero, err);
        var j = JsonNode.Parse(output)!;
        Assert.Multiple(() =>
        {
            Assert.That(j["fileType"]!.GetValue<string>(), Is.EqualTo("database"));
            Assert.That(j["formatVersion"]!.GetValue<uint>(), Is.EqualTo(0x620u));
            Assert.That(j["formatRevision"]!.GetValue<uint>(), Is.EqualTo(20u));
            Assert.That(j["pageSize"]!.GetValue<int>(), Is.EqualTo(4096));
            Assert.That(j["state"]!.GetValue<string>(), Is.EqualTo("dirtyShutdown"));
            Assert.That(j["logSignature"]!.GetValue<string>(), Is.EqualTo("a9106739"));
            Assert.That(j["requiredLogLow"]!.GetValue<int>(), Is.EqualTo(124));
            Assert.That(j["lastConsistent"]!["generation"]!.GetValue<int>(), Is.EqualTo(124));
        });
    }

    [Test]
    public void Inspect_json_prints_log_and_checkpoint_fields()
    {
        var (code, output, _) = Run("inspect", "--json", TestPaths.CorpusFile("xp-catroot2-logset/edb.log"));
        Assert.That(code, Is.Zero);
        var log = JsonNode.Parse(output)!;
        var (code2, output2, _) = Run("inspect", "--json", TestPaths.CorpusFile("xp-catroot2-logset/edb.chk"));
        Assert.That(code2, Is.Zero);
        var chk = JsonNode.Parse(output2)!;
        Assert.Multiple(() =>
        {
            Assert.That(log["fileType"]!.GetValue<string>(), Is.EqualTo("log"));
            Assert.That(log["generation"]!.GetValue<int>(), Is.EqualTo(131));
            Assert.That(log["formatVersion"]!.GetValue<uint>(), Is.EqualTo(7u));
            Assert.That(log["formatRevision"]!.GetValue<uint>(), Is.EqualTo(3704u));
            Assert.That(log["logSignature"]!.GetValue<string>(), Is.EqualTo("0000fced"));
            Assert.That(log["pageSize"]!.GetValue<int>(), Is.EqualTo(4096));
            Assert.That(chk["fileType"]!.GetValue<string>(), Is.EqualTo("checkpoint"));
            Assert.That(chk["checkpoint"]!.GetValue<string>(), Is.EqualTo("(0x83,2F,CC)"));
            Assert.That(chk["logSignature"]!.GetValue<string>(), Is.EqualTo("0000fced"));
        });
    }

    [Test]
    public void Inspect_text_uses_eseutil_labels()
    {
        var (code, output, _) = Run("inspect", TestPaths.CorpusFile("dissect-synthetic/basic.edb"));
        Assert.That(code, Is.Zero);
        foreach (var label in new[] { "        File Type: Database", "   Format ulMagic: 0x89abcdef", " Format ulVersion: 0x620,20", "         cbDbPage: 4096", "            State: Clean Shutdown", "     Log Required: 0-0", "  Last Consistent: (0x1,16,0)", "    Log Signature: Create time:", "Previous Full Backup:", "Current Shadow copy backup:" })
        {
            Assert.That(output, Does.Contain(label));
        }
    }

    [Test]
    public async Task Inspect_reports_a_corrupt_header_with_exit_1()
    {
        using var scratch = new ScratchDirectory("cli-bad");
        var path = Path.Combine(scratch.Path, "bad.edb");
        await SyntheticDatabaseWriter.WriteFileAsync(path, new SyntheticDatabaseOptions { PageCount = 8 });
        var bytes = await File.ReadAllBytesAsync(path);
        Array.Clear(bytes, 0, 2 * 4096);
        await File.WriteAllBytesAsync(path, bytes);
        var (code, _, err) = Run("inspect", path);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("no valid database header"));
        Assert.That(Run("verify", path).Code, Is.EqualTo(1));
    }
}
