using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Cli;

public class BackupCommandTests
{
    [Test]
    public async Task Full_backup_of_the_XP_instance_through_the_CLI_matches_its_manifest()
    {
        using var scratch = new ScratchDirectory("cli");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (exit, output, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full", "--json");
        Assert.That(exit, Is.Zero, error);

        var json = CliRun.Json(output);
        Assert.That(json.GetProperty("kind").GetString(), Is.EqualTo("full"));
        var low = json.GetProperty("logGenerations").GetProperty("low").GetInt64();
        var high = json.GetProperty("logGenerations").GetProperty("high").GetInt64();
        Assert.That(low, Is.EqualTo(131), "a full backup copies from the checkpoint's generation (edb.chk: 131)");
        Assert.That(high, Is.GreaterThanOrEqualTo(low));
        var set = Path.Combine(destination, json.GetProperty("setId").GetString()!);
        var manifest = ManifestJson.Deserialize(File.ReadAllBytes(Path.Combine(set, BackupManifest.FileName)), "manifest");
        var files = json.GetProperty("files").EnumerateArray().ToList();
        Assert.That(files, Has.Count.EqualTo(manifest.Files.Count));
        foreach (var file in files)
        {
            var path = file.GetProperty("path").GetString()!;
            var bytes = File.ReadAllBytes(Path.Combine(set, path));
            Assert.That(bytes.LongLength, Is.EqualTo(file.GetProperty("bytes").GetInt64()), path);
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(file.GetProperty("sha256").GetString()), path);
            Assert.That(manifest.Files.Single(f => f.Path == path).Sha256, Is.EqualTo(file.GetProperty("sha256").GetString()));
        }

        Assert.That(files.Count(f => f.GetProperty("kind").GetString() == "database"), Is.EqualTo(2));
    }

    [Test]
    public async Task Set_id_names_the_set_and_a_taken_or_unsafe_name_is_refused_leaving_the_destination_as_it_was()
    {
        using var scratch = new ScratchDirectory("cli-set-id");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (exit, output, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy", "--set-id", "weekly-01", "--json");
        Assert.That(exit, Is.Zero, error);
        Assert.That(CliRun.Json(output).GetProperty("setId").GetString(), Is.EqualTo("weekly-01"));
        Assert.That(File.Exists(Path.Combine(destination, "weekly-01", BackupManifest.FileName)), Is.True);
        var before = DirectorySinkTests.Snapshot(destination);

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy", "--set-id", "weekly-01");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("'weekly-01' already exists"));

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--set-id", "../outside");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("set name '../outside'"));
        Assert.That(DirectorySinkTests.Snapshot(destination), Is.EqualTo(before), "the refused runs changed nothing");
        Assert.That(Directory.Exists(Path.Combine(scratch.Path, "outside")), Is.False);
    }

    [Test]
    public async Task Allow_orphan_lets_an_incremental_into_a_destination_without_its_base_commit_and_without_it_nothing_is_truncated()
    {
        using var scratch = new ScratchDirectory("cli-orphan");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", scratch.Sub("catalogued"));
        Assert.That(exit, Is.EqualTo(0), error);
        var destination = scratch.Sub("backups");
        var logs = Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).Order().ToList();

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "incremental");
        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("no committed full or incremental set of this instance").And.Contain("Nothing was truncated"));
        Assert.That(Directory.GetFiles(instance, "edb*.log").Select(Path.GetFileName).Order(), Is.EqualTo(logs), "refused before the engine's backup began: nothing rolled or truncated");
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);

        string output;
        (exit, output, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "incremental", "--allow-orphan", "--json");
        Assert.That(exit, Is.EqualTo(0), error);
        var set = Directory.EnumerateDirectories(destination).Single();
        var manifest = ManifestJson.Deserialize(File.ReadAllBytes(Path.Combine(set, BackupManifest.FileName)), set);
        Assert.That(manifest.Kind, Is.EqualTo(BackupKind.Incremental));
        Assert.That(manifest.Extends, Is.Null, "an orphan names no parent");
        Assert.That(manifest.Identity?.Instance, Is.EqualTo(instance));
        Assert.That(output, Does.Contain("\"extends\": null"));
    }

    [Test]
    public async Task Exit_codes_tell_failure_from_usage_errors()
    {
        using var scratch = new ScratchDirectory("cli");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");

        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "incremental");
        Assert.That(exit, Is.EqualTo(1), "an incremental with no base in the destination is refused");
        Assert.That(error, Does.Contain("refused before the backup began").And.Contain("--allow-orphan").And.Not.Contain("   at "));

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "incremental", "--allow-orphan");
        Assert.That(exit, Is.EqualTo(1), "allowed as an orphan, an incremental without a full backup fails in the engine");
        Assert.That(error, Does.Contain("JET_errMissingFullBackup").And.Contain("-560").And.Not.Contain("   at "));

        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", Path.Combine(scratch.Path, "nope"), "--to", destination);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("does not exist"));

        (exit, _, _) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "weekly");
        Assert.That(exit, Is.Not.Zero);
        Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
    }

    [Test]
    public async Task A_chain_through_the_CLI_restores_into_a_folder_with_every_generation()
    {
        using var scratch = new ScratchDirectory("cli");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        foreach (var kind in new[] { "full", "incremental", "incremental" })
        {
            var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", kind);
            Assert.That(exit, Is.Zero, error);
        }

        var (vexit, voutput, verror) = await CliRun.InProcess("restore", "--from", destination, "--verify-only");
        Assert.That(vexit, Is.Zero, verror);
        Assert.That(voutput, Does.Contain("intact"));

        var target = Path.Combine(scratch.Path, "restored");
        var (rexit, routput, rerror) = await CliRun.InProcess("restore", "--from", destination, "--to", target, "--json");
        Assert.That(rexit, Is.Zero, rerror);
        var plan = CliRun.Json(routput);
        Assert.That(plan.GetProperty("sets").GetArrayLength(), Is.EqualTo(3));
        var genLow = plan.GetProperty("logGenerations").GetProperty("low").GetInt64();
        var genHigh = plan.GetProperty("logGenerations").GetProperty("high").GetInt64();
        for (var g = genLow; g <= genHigh; g++)
        {
            Assert.That(File.Exists(Path.Combine(target, "logs", $"edb{g:X5}.log")), Is.True, $"generation {g}");
        }

        Assert.That(plan.GetProperty("databases").GetArrayLength(), Is.EqualTo(2));

        // A flipped byte in a stored log is found, named, and refused.
        var set = Directory.EnumerateDirectories(destination).Order(StringComparer.Ordinal).Last();
        var log = Directory.EnumerateFiles(Path.Combine(set, "logs")).First();
        var bytes = File.ReadAllBytes(log);
        bytes[100] ^= 1;
        File.WriteAllBytes(log, bytes);
        (vexit, _, verror) = await CliRun.InProcess("restore", "--from", destination, "--verify-only");
        Assert.That(vexit, Is.EqualTo(1));
        Assert.That(verror, Does.Contain(Path.GetFileName(log)).And.Contain("SHA-256"));
        (rexit, _, rerror) = await CliRun.InProcess("restore", "--from", destination, "--to", Path.Combine(scratch.Path, "restored2"));
        Assert.That(rexit, Is.EqualTo(1));
        Assert.That(rerror, Does.Contain(Path.GetFileName(log)));
    }

    [Test]
    public async Task A_crash_of_the_backup_process_leaves_the_destination_and_the_logs_as_they_were()
    {
        using var scratch = new ScratchDirectory("kill");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy");
        Assert.That(exit, Is.Zero, error);

        // Make the backup long enough to kill mid-way: grow one database with never-written (zero) pages, which
        // the engine accepts as uninitialised pages.
        var big = Directory.GetFiles(instance, "catdb", SearchOption.AllDirectories)[0];
        using (var handle = File.OpenHandle(big, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, 1L << 30);
        }

        var before = DirectorySinkTests.Snapshot(destination);
        var logs = Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName).Order().ToList();
        // The child dies abruptly (FailFast: no finally blocks, no cleanup, as with kill -9) after 200 MiB of 1 GiB.
        using var child = CliRun.Start(new Dictionary<string, string> { [ExternalBackup.Cli.CrashSwitch.Variable] = (200L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) }, "backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full");
        var stderr = await child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        Assert.That(child.ExitCode, Is.Not.Zero, "the child crashed");
        Assert.That(stderr, Does.Contain("crashing after"));
        var staging = Path.Combine(destination, DirectorySink.StagingFolderName);
        Assert.That(Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories), Is.Not.Empty, "the crash happened mid-set");

        var sink = new DirectorySink(destination);
        var sets = await sink.ListSetsAsync(default);
        Assert.That(sets, Has.Count.EqualTo(1), "no new set is visible after the crash");
        Assert.That(DirectorySinkTests.Snapshot(destination).Split('\n').Where(l => !l.StartsWith(".staging", StringComparison.Ordinal) && !l.StartsWith(".lock", StringComparison.Ordinal)),
            Is.EqualTo(before.Split('\n')), "every committed byte is as it was; only the sink's own .staging/.lock leftovers remain");
        Assert.That(Directory.GetFiles(instance, "edb0*.log").Select(Path.GetFileName).Order(), Is.SupersetOf(logs), "nothing was truncated");

        // The next run cleans the leftovers and succeeds.
        File.Delete(big);
        (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "copy");
        Assert.That(exit, Is.Zero, error);
        Assert.That(Directory.Exists(staging), Is.False);
        Assert.That(await sink.ListSetsAsync(default), Has.Count.EqualTo(2));
    }
}

public class SampleCommandTests
{
    [Test]
    public async Task The_main_job_runs_end_to_end_on_its_own_sample()
    {
        using var scratch = new ScratchDirectory("sample");
        var root = Path.Combine(scratch.Path, "sample");
        var (exit, output, error) = await CliRun.InProcess("sample", "--out", root, "--size-mib", "4");
        Assert.That(exit, Is.Zero, output + error);
        Assert.That(output, Does.Contain("every set matches its manifest").And.Contain("restored files verified"));
        Assert.That(Directory.EnumerateDirectories(Path.Combine(root, "backups")).Count(), Is.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(root, "restored", "restore.json")), Is.True);
    }
}

public class NativeEngineCommandTests
{
    [Test]
    [LinuxOnly("Windows always has an esent.dll to load; the Windows lane checks an export that cannot be called instead (UncallableExportTests)")]
    public async Task Without_an_ESE_library_the_native_engine_says_so_in_one_line()
    {
        using var scratch = new ScratchDirectory("native-cli");
        var instance = scratch.Sub("instance");
        var destination = scratch.Sub("backups");
        var previous = Environment.GetEnvironmentVariable("ESE_NATIVE_LIBRARY");
        Environment.SetEnvironmentVariable("ESE_NATIVE_LIBRARY", null);
        try
        {
            var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "native", "--instance", instance, "--to", destination);
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Contain("ESE_NATIVE_LIBRARY"));
            Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ESE_NATIVE_LIBRARY", previous);
        }
    }
}
