using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>
/// <c>backup --vss --fallback streaming</c> streams instead whenever the VSS session cannot start or run (under Wine
/// <c>CreateVssBackupComponents</c> returns E_NOTIMPL), not only when there is no provider, and says which step
/// failed; failures of the copy itself do not fall back.
/// </summary>
public sealed class VssFallbackTests
{
    private const string Sig = SnapshotCommandBench.Signature;
    private const int ENotImpl = unchecked((int)0x80004001);
    private const int EAccessDenied = unchecked((int)0x80070005);
    private SnapshotCommandBench _bench = null!;

    private string _live => _bench.Live;

    private StringWriter _out => _bench.Out;

    private StringWriter _err => _bench.Err;

    private CliConsole _console => _bench.Console;

    private MemorySink _sink => _bench.Sink;

    [SetUp]
    public void SetUp() => _bench = new SnapshotCommandBench("vss-fallback");

    [TearDown]
    public void TearDown() => _bench.Dispose();

    [TestCase(SnapshotStep.OpenSession, ENotImpl, "80004001")]
    [TestCase(SnapshotStep.Initialize, EAccessDenied, "80070005")]
    [TestCase(SnapshotStep.GatherWriterMetadata, SnapshotModelErrors.WriterErrorRetryable, "800423F3")]
    [TestCase(SnapshotStep.PrepareForBackup, SnapshotModelErrors.BadState, "80042301")]
    [TestCase(SnapshotStep.DoSnapshotSet, SnapshotModelErrors.Unexpected, "80042302")]
    public async Task A_session_that_fails_falls_back_to_streaming_and_says_which_step(SnapshotStep step, int hResult, string code)
    {
        var provider = Model();
        provider.Faults.FailAt(step, hResult);

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments { FallbackToStreaming = true }, _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome.RunStreaming, Is.True, _err.ToString());
        Assert.That(_err.ToString().Trim().Split('\n'), Has.Length.EqualTo(1), _err.ToString());
        Assert.That(_err.ToString(), Does.Contain($"step {step} failed").And.Contain(code).And.Contain("falling back to the streaming"));
        Assert.That(_sink.Set, Is.Null, "the sink is left for the streaming path");
        Assert.That(provider.LiveSnapshots, Is.Zero);
    }

    [Test]
    public async Task Without_the_fallback_a_session_that_fails_is_a_failed_backup()
    {
        var provider = Model();
        provider.Faults.FailAt(SnapshotStep.OpenSession, ENotImpl);

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments(), _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome, Is.EqualTo(new SnapshotBackupOutcome(CliConsole.Failed, false)));
        Assert.That(_err.ToString(), Does.Contain("80004001").And.Not.Contain("falling back"));
    }

    [Test]
    public async Task A_copy_that_fails_verification_does_not_fall_back()
    {
        ToyEseFormat.WriteDatabase(Path.Combine(_live, "db", "app.edb"), Sig, 16, false, 0, 0, 3, 4);
        var provider = Model();

        var outcome = await SnapshotBackupCommand.RunVssAsync(new SnapshotBackupArguments { FallbackToStreaming = true }, _sink, _console, CancellationToken.None, new ToyEseFormat(), provider);

        Assert.That(outcome.RunStreaming, Is.False, _err.ToString());
        Assert.That(outcome.ExitCode, Is.EqualTo(CliConsole.Failed));
        Assert.That(_err.ToString(), Does.Not.Contain("falling back"));
        Assert.That(provider.Truncations, Is.Empty);
    }

    private SnapshotProviderModel Model() => _bench.ProviderWithAppWriter();
}
