using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>The pipeline's failure and chain paths, run over the native binding.</summary>
public sealed class NativePipelineTests
{
    [Test]
    public void A_native_read_failure_ends_the_backup_with_abort_and_truncates_nothing()
    {
        using var f = new FixtureInstance();
        using var output = new ScratchDirectory("native-fail-out");
        f.Control.FailCall("JetReadFileInstance", 3, (int)JetError.ReadVerifyFailure);
        var sink = new DirectorySink(output.Path);
        var e = Assert.ThrowsAsync<EseException>(() => new StreamingBackup(f.Host.Engine, sink, new StreamingBackupOptions { ChunkSize = 96 * 1024 }).RunAsync(BackupKind.Full))!;
        Assert.Multiple(() =>
        {
            Assert.That((e.Call, e.Error), Is.EqualTo(("JetReadFileInstance", JetError.ReadVerifyFailure)));
            Assert.That(f.Control.CallsTo("JetEndExternalBackupInstance2").Single(), Does.Contain("grbit=0x2"), "ended with JET_bitBackupEndAbort");
            Assert.That(f.Control.CallsTo("JetTruncateLogInstance"), Is.Empty);
            Assert.That(Directory.GetFiles(f.Folder, "edb0007E.log"), Has.Length.EqualTo(1), "no log was deleted");
        });
    }

    [Test]
    public async Task A_full_then_an_incremental_backup_through_the_native_path_chain_their_generations()
    {
        using var f = new FixtureInstance();
        using var output = new ScratchDirectory("native-chain-out");
        var sink = new DirectorySink(output.Path);
        var full = await new StreamingBackup(f.Host.Engine, sink).RunAsync(BackupKind.Full);
        var incremental = await new StreamingBackup(f.Host.Engine, sink).RunAsync(BackupKind.Incremental);
        Assert.Multiple(() =>
        {
            Assert.That(full.Manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(131, 131)));
            Assert.That(incremental.Manifest.LogGenerations, Is.EqualTo(new LogGenerationRange(131, 132)), "the lowest log left on disk up to the second roll");
            Assert.That(incremental.Manifest.Files.Select(x => x.Kind), Has.All.EqualTo(BackupFileKind.Log));
            Assert.That(incremental.Manifest.Extends?.SetId, Is.EqualTo(full.Manifest.SetId));
            Assert.That(f.Control.CallsTo("JetBeginExternalBackupInstance").Select(c => c.Split('\n')[0].Split(' ')[^1]), Is.EqualTo(new[] { "grbit=0x0", "grbit=0x1" }));
        });
    }
}
