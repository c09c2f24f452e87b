using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Manifest;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

public sealed class SnapshotBackupCommandTests
{
    private const string Sig = SnapshotCommandBench.Signature;
    private SnapshotCommandBench _bench = null!;

    private string _live => _bench.Live;

    private StringWriter _out => _bench.Out;

    private StringWriter _err => _bench.Err;

    private CliConsole _console => _bench.Console;

    private MemorySink _sink => _bench.Sink;

    [SetUp]
    public void SetUp() => _bench = new SnapshotCommandBench("cmd");

    [TearDown]
    public void TearDown() => _bench.Dispose();

    private SnapshotProviderModel ModelWithAppWriter() => _bench.ProviderWithAppWriter();

    [Test]
    public async Task FromSnapshotBacksUpAFrozenFolderAndSaysWhat()
    {
        var code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = Path.Combine(_live, "db"), LogFolder = Path.Combine(_live, "logs") }, _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(code, Is.EqualTo(CliConsole.Ok), _err.ToString());
        Assert.That(_out.ToString(), Does.Contain("verified full backup").And.Contain("logs 7..8").And.Contain("nothing truncated"));
        Assert.That(_sink.Committed!.Files.Select(f => f.Path), Is.EqualTo(new[] { "databases/app.edb", "logs/edb00007.log", "logs/edb00008.log", "checkpoint/edb.chk" }));
    }

    [Test]
    public async Task FromSnapshotWithJsonPrintsTheSet()
    {
        var code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = Path.Combine(_live, "db"), LogFolder = Path.Combine(_live, "logs"), Kind = BackupKind.Copy, Json = true }, _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(code, Is.EqualTo(CliConsole.Ok));
        Assert.That(_out.ToString(), Does.Contain("\"kind\": \"copy\"").And.Contain("\"low\": 7"));
    }

    [Test]
    public async Task FromSnapshotRefusesACorruptSetWithExitCode1NamingTheFile()
    {
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "app.edb"), Sig, 16, false, 0, 0, 9);

        var code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = Path.Combine(_live, "db"), LogFolder = Path.Combine(_live, "logs") }, _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(code, Is.EqualTo(CliConsole.Failed));
        Assert.That(_err.ToString(), Does.Contain("backup refused").And.Contain("app.edb").And.Contain("page 9"));
        Assert.That(_sink.Committed, Is.Null);
    }

    [Test]
    public async Task FromSnapshotOfAMissingFolderIsAUsageError()
    {
        var code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = Path.Combine(_live, "nope") }, _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(code, Is.EqualTo(CliConsole.UsageOrIo));
        Assert.That(_err.ToString(), Does.Contain("not found"));
    }

    [Test]
    public async Task VssOffWindowsSaysItIsUnavailable()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False);

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments(), _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(outcome, Is.EqualTo(new SnapshotBackupOutcome(CliConsole.UsageOrIo, false)));
        Assert.That(_err.ToString(), Does.Contain("VSS is available only on Windows").And.Contain("--fallback streaming"));
        Assert.That(_sink.Set, Is.Null);
    }

    [Test]
    public async Task VssOffWindowsWithFallbackTellsTheCallerToStream()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False);

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments { FallbackToStreaming = true }, _sink, _console, CancellationToken.None, new ToyEseFormat());

        Assert.That(outcome.RunStreaming, Is.True);
        Assert.That(_err.ToString(), Does.Contain("VSS is available only on Windows").And.Contain("falling back to the streaming"));
        Assert.That(_sink.Set, Is.Null, "the sink is left for the streaming path");
    }

    [Test]
    public async Task VssPathThroughTheProviderModelBacksUpVerifiesAndTellsTheWriters()
    {
        var provider = ModelWithAppWriter();

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments(), _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome, Is.EqualTo(new SnapshotBackupOutcome(CliConsole.Ok, false)), _err.ToString());
        Assert.That(_out.ToString(), Does.Contain("from snapshot:model").And.Contain("writers told to truncate"));
        Assert.That(_sink.Committed!.Files.Where(f => f.Kind != BackupFileKind.Other).Select(f => f.Path), Is.EqualTo(new[] { "databases/app.edb", "logs/edb00007.log", "logs/edb00008.log", "checkpoint/edb.chk" }));
        Assert.That(_sink.Completed.Where(c => c.File.Kind != BackupFileKind.Other).Select(c => c.File.SourcePath), Has.All.StartsWith(provider.SnapshotStorage));
        Assert.That(provider.Truncations, Has.Count.EqualTo(1));
        Assert.That(provider.LiveSnapshots, Is.Zero);
    }

    [Test]
    public async Task VssPathRefusesACorruptSnapshotAndNeverTellsTheWritersSuccess()
    {
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "app.edb"), Sig, 16, false, 0, 0, 3, 4);
        var provider = ModelWithAppWriter();

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments(), _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome.ExitCode, Is.EqualTo(CliConsole.Failed));
        Assert.That(_err.ToString(), Does.Contain("pages 3..4"));
        Assert.That(provider.Calls.Select(c => c.Step), Has.None.EqualTo(SnapshotStep.BackupComplete).And.None.EqualTo(SnapshotStep.SetBackupSucceeded));
        Assert.That(provider.Calls.Count(c => c.Step == SnapshotStep.AbortBackup), Is.EqualTo(1));
        Assert.That(provider.Truncations, Is.Empty);
        Assert.That(provider.LiveSnapshots, Is.Zero);
    }

    [Test]
    public async Task VssCopyBackupNeverLetsTheWritersTruncate()
    {
        var provider = ModelWithAppWriter();

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments { Kind = BackupKind.Copy }, _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome.ExitCode, Is.EqualTo(CliConsole.Ok));
        Assert.That(_sink.Committed!.Kind, Is.EqualTo(BackupKind.Copy));
        Assert.That(_sink.Committed.TruncatesLogs, Is.False);
        Assert.That(provider.Truncations, Is.Empty);
    }
}
