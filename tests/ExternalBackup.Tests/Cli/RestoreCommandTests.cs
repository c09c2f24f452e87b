using System.Diagnostics;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// <c>restore</c>, <c>restore --verify-only</c>, <c>verify DEST</c> and <c>list</c> on folder destinations: each case
/// of issue 12's "Why" (every one passed or hung on the old folder-only reader).
/// </summary>
public class RestoreCommandTests
{
    private static async Task<(ScratchDirectory Scratch, string Instance, string Destination)> ChainAsync(params string[] kinds)
    {
        var scratch = new ScratchDirectory("restore-cli");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        foreach (var kind in kinds)
        {
            var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", kind);
            Assert.That(exit, Is.Zero, error);
        }

        return (scratch, instance, destination);
    }

    private static async Task<(ScratchDirectory Scratch, string Destination, string Set)> SnapshotSetAsync()
    {
        var scratch = new ScratchDirectory("restore-snapshot");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (exit, output, error) = await CliRun.InProcess("backup", "--from-snapshot", instance, "--to", destination, "--json");
        Assert.That(exit, Is.Zero, error);
        return (scratch, destination, Path.Combine(destination, CliRun.Json(output).GetProperty("setId").GetString()!));
    }

    private static async Task<(int Exit, string Out, string Err)> VerifyBothWays(params string[] restoreArgs)
    {
        var verifyOnly = await CliRun.InProcess(["restore", .. restoreArgs, "--verify-only"]);
        var verify = await CliRun.InProcess(["verify", restoreArgs[1]]);
        Assert.That(verify.Exit, Is.EqualTo(verifyOnly.Exit), $"verify DEST agrees with restore --verify-only: {verify.Out}{verify.Err}");
        return verifyOnly;
    }

    [Test]
    public async Task Restore_of_a_set_of_two_components_reports_each_log_streams_generations()
    {
        using var scratch = new ScratchDirectory("restore-two-streams");
        var destination = scratch.Sub("backups");
        await Restore.RestorePlanStreamsTests.WriteSetAsync(destination, "two-components-full", null, null,
            ("databases/DB01/DB01.edb", ExternalBackup.Manifest.BackupFileKind.Database, null),
            ("databases/DB02/DB02.edb", ExternalBackup.Manifest.BackupFileKind.Database, null),
            ("logs/DB01/E0000001.log", ExternalBackup.Manifest.BackupFileKind.Log, 1),
            ("logs/DB01/E0000002.log", ExternalBackup.Manifest.BackupFileKind.Log, 2),
            ("logs/DB02/E0100001.log", ExternalBackup.Manifest.BackupFileKind.Log, 1));

        var (exit, output, error) = await CliRun.InProcess("restore", "--from", destination, "--to", Path.Combine(scratch.Path, "t"));

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("2 databases, logs DB01 1..2, DB02 1..1 into"));
    }

    [Test]
    public async Task Verify_only_exits_1_when_there_is_nothing_to_verify()
    {
        using var scratch = new ScratchDirectory("verify-nothing");
        var (exit, output, error) = await CliRun.InProcess("restore", "--from", Path.Combine(scratch.Path, "missing"), "--verify-only");
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(output, Does.Not.Contain("intact"));
        Assert.That(error, Does.Contain("does not exist"));

        var empty = scratch.Sub("empty");
        (exit, output, error) = await CliRun.InProcess("restore", "--from", empty, "--verify-only");
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(error, Does.Contain("holds no committed backup set"));

        (exit, _, error) = await CliRun.InProcess("restore", "--from", $"tar:{Path.Combine(scratch.Path, "none.tar")}", "--verify-only");
        Assert.That(exit, Is.EqualTo(1), error);

        (exit, _, error) = await CliRun.InProcess("restore", "--from", empty, "--verify-only", "--set", "nope");
        Assert.That(exit, Is.EqualTo(1), error);
    }

    [Test]
    public async Task Verify_only_and_verify_find_a_chain_with_a_missing_incremental()
    {
        var (scratch, _, destination) = await ChainAsync("full", "incremental", "incremental");
        using var _s = scratch;
        var sets = Directory.GetDirectories(destination).Order(StringComparer.Ordinal).ToList();
        Directory.Delete(sets[1], recursive: true);
        var (exit, output, error) = await VerifyBothWays("--from", destination);
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(error, Does.Contain(Path.GetFileName(sets[2])).And.Contain("chain is not complete"));
        var (rexit, _, rerror) = await CliRun.InProcess("restore", "--from", destination, "--to", Path.Combine(scratch.Path, "t"));
        Assert.That(rexit, Is.EqualTo(1), rerror);
        Assert.That(rerror, Does.Contain("missing").Or.Contain("not in the destination"));
    }

    [Test]
    public async Task A_copied_set_is_checked_in_its_own_folder_and_its_corruption_found()
    {
        var (scratch, _, destination) = await ChainAsync("full", "incremental");
        using var _s = scratch;
        var incremental = Directory.GetDirectories(destination).Order(StringComparer.Ordinal).Last();
        var copy = Path.Combine(destination, "zz-copy");
        TestPaths.CopyTree(incremental, copy);
        var log = Directory.GetFiles(Path.Combine(copy, "logs")).First();
        var bytes = File.ReadAllBytes(log);
        bytes[5000] ^= 0xFF;
        File.WriteAllBytes(log, bytes);
        var (exit, output, error) = await VerifyBothWays("--from", destination);
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(error, Does.Contain("zz-copy").And.Contain(Path.GetFileName(log)).And.Contain("SHA-256"));
        Assert.That(error, Does.Contain("does not belong to the folder that holds it"));
    }

    [Test]
    public async Task A_failed_or_killed_restore_leaves_the_target_as_it_was_and_the_retry_works()
    {
        var (scratch, _, destination) = await ChainAsync("full", "incremental");
        using var _s = scratch;
        var incremental = Directory.GetDirectories(destination).Order(StringComparer.Ordinal).Last();
        var log = Directory.GetFiles(Path.Combine(incremental, "logs")).Last();
        var original = File.ReadAllBytes(log);
        var bad = (byte[])original.Clone();
        bad[^1] ^= 1;
        File.WriteAllBytes(log, bad);
        var target = scratch.Sub("target");
        var (exit, _, error) = await CliRun.InProcess("restore", "--from", destination, "--to", target);
        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain(Path.GetFileName(log)));
        Assert.That(Directory.EnumerateFileSystemEntries(target), Is.Empty, "the target is as it was: empty");
        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path).Select(Path.GetFileName), Has.None.Contains(".restoring"), "no staging left behind");

        // A killed restore leaves its staging folder (partial files); the retry removes it and succeeds.
        var leftover = Path.Combine(scratch.Path, ".target.restoring");
        Directory.CreateDirectory(Path.Combine(leftover, "logs"));
        File.WriteAllBytes(Path.Combine(leftover, "logs", Path.GetFileName(log)), bad[..100]);
        File.WriteAllBytes(log, original);
        (exit, var output, error) = await CliRun.InProcess("restore", "--from", destination, "--to", target, "--json");
        Assert.That(exit, Is.Zero, error);
        Assert.That(Directory.Exists(leftover), Is.False);
        Assert.That(File.ReadAllBytes(Path.Combine(target, "logs", Path.GetFileName(log))), Is.EqualTo(original));
        Assert.That(CliRun.Json(output).GetProperty("sets").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_killed_restore_process_leaves_no_target_and_the_retry_works()
    {
        var (scratch, instance, destination) = await ChainAsync();
        using var _s = scratch;
        // A large database makes the restore long enough to kill mid-way.
        var big = Directory.GetFiles(instance, "catdb", SearchOption.AllDirectories)[0];
        using (var handle = File.OpenHandle(big, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, 512L << 20);
        }

        var (bexit, _, berror) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy", "--verify-stream", "false");
        Assert.That(bexit, Is.Zero, berror);
        var target = Path.Combine(scratch.Path, "target");
        using (var child = CliRun.Start(new Dictionary<string, string>(), "restore", "--from", destination, "--to", target))
        {
            var staging = Path.Combine(scratch.Path, ".target.restoring");
            var clock = Stopwatch.StartNew();
            while (!Directory.Exists(staging) || !Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
            {
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the restore started writing");
                Assert.That(child.HasExited, Is.False, "the restore was still running when it was killed");
                await Task.Delay(10);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        Assert.That(Directory.Exists(target), Is.False, "the killed restore left the target as it was (absent)");
        var (exit, _, error) = await CliRun.InProcess("restore", "--from", destination, "--to", target);
        Assert.That(exit, Is.Zero, error);
        Assert.That(File.Exists(Path.Combine(target, "restore.json")), Is.True);
    }

    [LinuxOnly("/dev/zero and mkfifo are Linux; links the test makes are Linux links that Wine does not show as reparse points")]
    [TestCase("symlink-to-dev-zero")]
    [TestCase("fifo")]
    [CancelAfter(60_000)]
    public async Task A_checkpoint_replaced_by_a_link_to_dev_zero_or_a_fifo_is_refused_at_once(string hostile)
    {
        var (scratch, destination, set) = await SnapshotSetAsync();
        using var _s = scratch;
        var checkpoint = Directory.GetFiles(set, "*.chk", SearchOption.AllDirectories).Single();
        File.Delete(checkpoint);
        if (hostile == "fifo")
        {
            using var mkfifo = Process.Start("mkfifo", checkpoint);
            await mkfifo.WaitForExitAsync();
        }
        else
        {
            File.CreateSymbolicLink(checkpoint, "/dev/zero");
        }

        var clock = Stopwatch.StartNew();
        var (exit, output, error) = await VerifyBothWays("--from", destination);
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(error, Does.Contain(Path.GetFileName(checkpoint)).And.Contain(hostile == "fifo" ? "FIFO" : "symbolic link"));
        var target = Path.Combine(scratch.Path, "restored");
        (exit, _, error) = await CliRun.InProcess("restore", "--from", destination, "--to", target);
        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(Directory.Exists(target), Is.False, "nothing was written");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "neither spun nor hung");
    }

    [LinuxOnly("links the test makes are Linux links that Wine does not show as reparse points")]
    [Test]
    public async Task A_link_in_a_set_is_not_followed_and_the_error_says_nothing_of_the_file_outside()
    {
        var (scratch, destination, set) = await SnapshotSetAsync();
        using var _s = scratch;
        var outside = Path.Combine(scratch.Path, "secret.bin");
        var secret = new byte[12_345];
        new Random(5).NextBytes(secret);
        File.WriteAllBytes(outside, secret);
        var log = Directory.GetFiles(set, "edb0*.log", SearchOption.AllDirectories).First();
        File.Delete(log);
        File.CreateSymbolicLink(log, outside);
        var (exit, output, error) = await VerifyBothWays("--from", destination);
        Assert.That(exit, Is.EqualTo(1));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(secret));
        Assert.That(output + error, Does.Not.Contain("12345").And.Not.Contain(hash).And.Not.Contain("secret.bin"));
        Assert.That(error, Does.Contain("symbolic link"));
    }

    [Test]
    public async Task A_manifest_with_null_files_gets_one_line_not_a_NullReferenceException()
    {
        var (scratch, destination, set) = await SnapshotSetAsync();
        using var _s = scratch;
        var manifest = Path.Combine(set, "manifest.json");
        var text = File.ReadAllText(manifest);
        var start = text.IndexOf("\"files\"", StringComparison.Ordinal);
        var end = text.IndexOf(']', text.IndexOf("\"sourcePath\": \"" , text.LastIndexOf("\"kind\"", StringComparison.Ordinal), StringComparison.Ordinal));
        File.WriteAllText(manifest, text[..start] + "\"files\": null" + text[(end + 1)..]);
        foreach (var args in new[] { new[] { "restore", "--from", destination, "--verify-only" }, ["restore", "--from", destination, "--to", Path.Combine(scratch.Path, "t")], ["list", "--from", destination], ["verify", destination] })
        {
            var (exit, output, error) = await CliRun.InProcess(args);
            Assert.That(exit, Is.EqualTo(1), $"{string.Join(' ', args)}: {output}{error}");
            Assert.That(error, Does.Contain("'files' is null").And.Not.Contain("NullReference").And.Not.Contain("   at "), string.Join(' ', args));
        }
    }

    [Test]
    public async Task A_snapshot_set_restores_with_its_checkpoint_logs_and_databases_in_the_plan()
    {
        var (scratch, destination, set) = await SnapshotSetAsync();
        using var _s = scratch;
        var target = Path.Combine(scratch.Path, "restored");
        var (exit, output, error) = await CliRun.InProcess("restore", "--from", destination, "--to", target, "--json");
        Assert.That(exit, Is.Zero, error);
        var plan = CliRun.Json(output);
        Assert.That(plan.GetProperty("checkpointPath").GetString(), Is.EqualTo(Path.Combine(target, "checkpoint", "edb.chk")));
        Assert.That(plan.GetProperty("logFolder").GetString(), Is.EqualTo(Path.Combine(target, "logs")));
        Assert.That(plan.GetProperty("logBaseName").GetString(), Is.EqualTo("edb"));
        Assert.That((plan.GetProperty("logGenerations").GetProperty("low").GetInt64(), plan.GetProperty("logGenerations").GetProperty("high").GetInt64()), Is.EqualTo((126L, 131L)));
        var databases = plan.GetProperty("databases").EnumerateArray().ToList();
        Assert.That(databases, Has.Count.EqualTo(2));
        foreach (var database in databases)
        {
            Assert.That(database.GetProperty("streamedByEngine").GetBoolean(), Is.False, "a snapshot copy is not an engine stream");
            var restored = database.GetProperty("restoredPath").GetString()!;
            Assert.That(restored, Does.StartWith(Path.Combine(target, "databases") + Path.DirectorySeparatorChar));
            Assert.That(File.ReadAllBytes(restored), Is.EqualTo(File.ReadAllBytes(database.GetProperty("originalPath").GetString()!)));
        }

        Assert.That(File.ReadAllBytes(Path.Combine(target, "checkpoint", "edb.chk")), Is.EqualTo(File.ReadAllBytes(Directory.GetFiles(set, "*.chk", SearchOption.AllDirectories).Single())));
    }

    [Test]
    public async Task List_shows_every_set_and_whether_its_chain_is_complete()
    {
        var (scratch, _, destination) = await ChainAsync("full", "differential", "incremental");
        using var _s = scratch;
        var (exit, output, error) = await CliRun.InProcess("list", "--from", destination, "--json");
        Assert.That(exit, Is.Zero, error);
        var rows = CliRun.Json(output).GetProperty("sets").EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("kind").GetString()), Is.EqualTo(new[] { "full", "differential", "incremental" }));
        var full = rows[0].GetProperty("setId").GetString();
        foreach (var row in rows)
        {
            Assert.That(row.GetProperty("chainComplete").GetBoolean(), Is.True);
            Assert.That(row.GetProperty("chainBase").GetString(), Is.EqualTo(full));
            Assert.That(row.GetProperty("instance").GetString(), Is.Not.Empty);
            Assert.That(row.GetProperty("counts").GetProperty("bytes").GetInt64(), Is.Positive);
            Assert.That(row.GetProperty("counts").GetProperty("logs").GetInt32(), Is.Positive);
            Assert.That(row.GetProperty("identity").GetProperty("logSignature").GetString(), Is.EqualTo(rows[0].GetProperty("identity").GetProperty("logSignature").GetString()).And.Not.Empty, "one log stream");
            Assert.That(row.GetProperty("logGenerations").GetProperty("high").GetInt64(), Is.GreaterThanOrEqualTo(row.GetProperty("logGenerations").GetProperty("low").GetInt64()));
        }

        Assert.That(rows[0].GetProperty("counts").GetProperty("databases").GetInt32(), Is.EqualTo(2));
        Assert.That(rows[0].GetProperty("identity").GetProperty("databases").EnumerateArray().Select(d => d.GetProperty("signature").GetString()), Has.Exactly(2).Not.Empty, "each database's signature");
        Assert.That(rows[1].GetProperty("extends").GetProperty("setId").GetString(), Is.EqualTo(full));
        Directory.Delete(Path.Combine(destination, full!), recursive: true);
        (exit, output, _) = await CliRun.InProcess("list", "--from", destination);
        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("CHAIN INCOMPLETE"));
    }

    [Test]
    public async Task Verify_only_json_reports_each_set()
    {
        var (scratch, _, destination) = await ChainAsync("full", "incremental");
        using var _s = scratch;
        var (exit, output, error) = await CliRun.InProcess("restore", "--from", destination, "--verify-only", "--json");
        Assert.That(exit, Is.Zero, error);
        var json = CliRun.Json(output);
        Assert.That(json.GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(json.GetProperty("sets").GetArrayLength(), Is.EqualTo(2));
        Assert.That(json.GetProperty("sets")[0].GetProperty("problems").GetArrayLength(), Is.Zero);
        (exit, output, _) = await CliRun.InProcess("verify", destination, "--json");
        Assert.That(exit, Is.Zero);
        Assert.That(CliRun.Json(output).GetProperty("sets").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_damaged_database_page_with_a_matching_manifest_fails_page_verification()
    {
        var (scratch, _, destination) = await ChainAsync("full");
        using var _s = scratch;
        var set = Directory.GetDirectories(destination).Single();
        var manifestPath = Path.Combine(set, "manifest.json");
        var manifest = ExternalBackup.Manifest.ManifestJson.Deserialize(File.ReadAllBytes(manifestPath), manifestPath);
        var database = manifest.Files.First(f => f.Kind == ExternalBackup.Manifest.BackupFileKind.Database);
        var path = Path.Combine(set, database.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[4096 * 5 + 200] ^= 0x55;
        File.WriteAllBytes(path, bytes);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var changed = manifest with { Files = [.. manifest.Files.Select(f => f == database ? f with { Sha256 = sha } : f)] };
        File.WriteAllBytes(manifestPath, ExternalBackup.Manifest.ManifestJson.Serialize(changed));
        var (exit, output, error) = await VerifyBothWays("--from", destination);
        Assert.That(exit, Is.EqualTo(1), output + error);
        Assert.That(error, Does.Contain(database.Path).And.Contain("page"));
    }
}
