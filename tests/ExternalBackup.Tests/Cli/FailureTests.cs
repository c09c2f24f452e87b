using ExternalBackup.Cli.Failures;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// The command line's one failure mapping: options that do not apply are refused naming the option (exit 2), every
/// failure is one line <c>esebackup: ...</c> with the README's exit code and never a stack trace, and with
/// <c>--json</c> it is the command's one result object too.
/// </summary>
public sealed class FailureTests
{
    [TestCase("--log-folder", "backup", "--engine", "model", "--instance", "{instance}", "--to", "{dest}", "--log-folder", "{instance}")]
    [TestCase("--instance-name", "backup", "--engine", "model", "--instance", "{instance}", "--to", "{dest}", "--instance-name", "x")]
    [TestCase("--fallback", "backup", "--engine", "model", "--instance", "{instance}", "--to", "{dest}", "--fallback", "streaming")]
    [TestCase("--vss", "backup", "--from-snapshot", "{instance}", "--vss", "--to", "{dest}")]
    [TestCase("--engine", "backup", "--from-snapshot", "{instance}", "--engine", "model", "--to", "{dest}")]
    [TestCase("--ese-library", "backup", "--engine", "model", "--instance", "{instance}", "--ese-library", "/x.so", "--to", "{dest}")]
    [TestCase("--s3-endpoint", "backup", "--engine", "model", "--instance", "{instance}", "--to", "{dest}", "--s3-endpoint", "http://127.0.0.1:1")]
    [TestCase("--create-destination", "backup", "--engine", "model", "--instance", "{instance}", "--to", "tar:{dest}/a.tar", "--create-destination")]
    [TestCase("--allow-orphan", "backup", "--engine", "model", "--instance", "{instance}", "--to", "{dest}", "--allow-orphan")]
    [TestCase("--set-id", "backup", "--vss", "--to", "{dest}", "--set-id", "x")]
    [TestCase("--to", "restore", "--from", "{dest}", "--verify-only", "--to", "{dest}/r")]
    [TestCase("--s3-region", "list", "--from", "{dest}", "--s3-region", "eu-west-1")]
    [TestCase("--s3-endpoint", "verify", "{dest}", "--s3-endpoint", "http://127.0.0.1:1")]
    public async Task An_option_that_does_not_apply_is_refused_naming_it(string option, params string[] template)
    {
        using var scratch = new ScratchDirectory("refused-option");
        var instance = scratch.Sub("instance");
        var destination = scratch.Sub("backups");
        var args = template.Select(a => a.Replace("{instance}", instance, StringComparison.Ordinal).Replace("{dest}", destination, StringComparison.Ordinal)).ToArray();
        var (exit, output, error) = await CliRun.InProcess(args);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), error);
            Assert.That(error, Does.StartWith($"esebackup: {option} "), "one line naming the option");
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(output, Is.Empty);
            Assert.That(Directory.EnumerateFileSystemEntries(destination), Is.Empty, "nothing was begun");
        });
    }

    [Test]
    public async Task Options_that_apply_are_not_refused()
    {
        using var scratch = new ScratchDirectory("applying-options");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = Path.Combine(scratch.Path, "backups");
        var (exit, _, error) = await CliRun.InProcess("backup", "--from-snapshot", instance, "--log-folder", instance, "--instance-name", "catroot", "--set-id", "night-1", "--to", destination, "--create-destination");
        Assert.That(exit, Is.Zero, error);
        Assert.That(Directory.Exists(Path.Combine(destination, "night-1")), Is.True, "--set-id names a --from-snapshot set");
    }

    [Test]
    public async Task With_json_a_failure_is_the_commands_one_result_object()
    {
        using var scratch = new ScratchDirectory("json-failure");
        var (exit, output, error) = await CliRun.InProcess("list", "--from", Path.Combine(scratch.Path, "missing"), "--json");
        var json = CliRun.Json(output);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(json.GetProperty("command").GetString(), Is.EqualTo("list"));
            Assert.That(json.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(json.GetProperty("exitCode").GetInt32(), Is.EqualTo(2));
            Assert.That(json.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo(FailureCodes.Io));
            Assert.That("esebackup: " + json.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(error.TrimEnd()), "the same line as on standard error");
        });

        (exit, output, _) = await CliRun.InProcess("list", "--json", "--no-such-option");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(CliRun.Json(output).GetProperty("error").GetProperty("code").GetString(), Is.EqualTo(FailureCodes.Usage), "a parse error is JSON too");
    }

    [Test]
    public async Task A_corrupt_header_and_an_unreadable_file_are_one_line_each()
    {
        using var scratch = new ScratchDirectory("inspect-failure");
        var junk = Path.Combine(scratch.Path, "junk.edb");
        File.WriteAllBytes(junk, new byte[8192]);
        var (exit, _, error) = await CliRun.InProcess("inspect", junk);
        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(error, Does.StartWith($"esebackup: inspect {junk}: {junk}: "));
        (exit, _, error) = await CliRun.InProcess("inspect", Path.Combine(scratch.Path, "none.edb"), "--json");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Not.Contain("   at "));
    }

    [Test]
    public void Every_exception_maps_to_one_line_and_its_exit_code()
    {
        Assert.Multiple(() =>
        {
            Assert.That(FailureMapping.Map(new InvalidDataException("bad manifest"), "list x").ExitCode, Is.EqualTo(1));
            Assert.That(FailureMapping.Map(new IOException("disk full"), "backup to d"), Is.EqualTo(new CliFailure(2, FailureCodes.Io, "backup to d: disk full")));
            Assert.That(FailureMapping.Map(new ExternalBackup.Engine.EseException("JetReadFileInstance", ExternalBackup.Engine.JetError.LogReadVerifyFailure, "page 7"), "backup to d").Code, Is.EqualTo(FailureCodes.BackupFailed));
            var unexpected = FailureMapping.Map(new NullReferenceException("two\nlines"), "backup to d");
            Assert.That(unexpected, Is.EqualTo(new CliFailure(1, FailureCodes.Internal, "backup to d: unexpected NullReferenceException: two; lines")), "one line even for a defect");
        });
    }

    [Test]
    public async Task A_cancelled_restore_or_backup_says_what_was_left_as_it_was_and_exits_130()
    {
        using var scratch = new ScratchDirectory("cancelled");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = Path.Combine(scratch.Path, "backups");
        var (exit, _, error) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--create-destination");
        Assert.That(exit, Is.Zero, error);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var target = Path.Combine(scratch.Path, "restored");
        using (var output = new StringWriter())
        using (var errors = new StringWriter())
        {
            exit = await ExternalBackup.Cli.Program.MainAsync(["restore", "--from", destination, "--to", target], output, errors, cancelled.Token);
            Assert.That(exit, Is.EqualTo(130));
            Assert.That(errors.ToString().TrimEnd(), Is.EqualTo($"esebackup: cancelled: the restore was abandoned; {target} is as it was"));
            Assert.That(Directory.Exists(target), Is.False);
        }

        using (var output = new StringWriter())
        using (var errors = new StringWriter())
        {
            exit = await ExternalBackup.Cli.Program.MainAsync(["backup", "--engine", "model", "--instance", instance, "--to", destination, "--json"], output, errors, cancelled.Token);
            Assert.That(exit, Is.EqualTo(130));
            Assert.That(errors.ToString().TrimEnd(), Is.EqualTo($"esebackup: cancelled: the backup was aborted; nothing was truncated and {destination} is as it was"));
            Assert.That(CliRun.Json(output.ToString()).GetProperty("error").GetProperty("code").GetString(), Is.EqualTo(FailureCodes.Cancelled));
        }
    }
}
