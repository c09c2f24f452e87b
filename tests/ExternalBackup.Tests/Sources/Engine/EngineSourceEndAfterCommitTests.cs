using System.Text.Json;
using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sources.Engine;

/// <summary>
/// When <c>JetEndExternalBackupInstance2</c> fails after the set was committed and the logs truncated, the result says
/// exactly that: the set is good, the engine did not record the backup; the command exits 3 and says so in JSON.
/// </summary>
public sealed class EngineSourceEndAfterCommitTests
{
    [Test]
    public async Task AFailedEndAfterCommitAndTruncationKeepsTheGoodSetAndSaysTheEngineDidNotRecordIt()
    {
        using var scratch = new ScratchDirectory("end-after-commit");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "basic.edb");
        var destination = scratch.Sub("backups");
        var engine = EngineModel.Open(instance, new EngineModelOptions { Faults = new EngineFaults().Fail(EngineCall.EndExternalBackup, onCall: 1, JetError.DiskIO) });

        BackupResult result;
        await using (var sink = new DirectorySink(destination, new DirectorySinkOptions { CreateDestination = true }))
        {
            result = await new StreamingBackup(engine, sink).RunAsync(BackupKind.Full);
        }

        var committed = await new DirectorySink(destination).ListSetsAsync(CancellationToken.None);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(BackupCommand.Describe(result), ManifestJson.Options));
        Assert.Multiple(() =>
        {
            Assert.That(result.LogsTruncated, Is.True);
            Assert.That(result.EndFailure, Does.Contain("JetEndExternalBackupInstance2").And.Contain("the set is good").And.Contain("did not record"));
            Assert.That(committed.Select(s => s.SetId), Is.EqualTo(new[] { result.Manifest.SetId }), "the set stays committed");
            Assert.That(engine.IsBackupInProgress, Is.False, "the engine's backup was released with abort");
            Assert.That(BackupCommand.ExitCode(result), Is.EqualTo(CliConsole.CommittedButNotRecorded));
            Assert.That(CliConsole.CommittedButNotRecorded, Is.EqualTo(3));
            Assert.That(json.RootElement.GetProperty("engineRecordedBackup").GetBoolean(), Is.False);
            Assert.That(json.RootElement.GetProperty("endFailure").GetString(), Is.EqualTo(result.EndFailure));
        });
    }

    [Test]
    public async Task ANormalEndRecordsTheBackupAndExitsZero()
    {
        using var scratch = new ScratchDirectory("end-after-commit");
        var instance = await SyntheticSourceFolder.WriteAsync(scratch.Sub("instance"), "basic.edb");

        var result = await new StreamingBackup(EngineModel.Open(instance), new ExternalBackup.Sinks.NullSink()).RunAsync(BackupKind.Full);

        Assert.That(result.EndFailure, Is.Null);
        Assert.That(BackupCommand.ExitCode(result), Is.EqualTo(CliConsole.Ok));
    }
}
