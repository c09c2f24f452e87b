using ExternalBackup.Cli;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Testing.Snapshots;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>
/// What the snapshot command tests start from: a live toy instance (<c>db/app.edb</c>, logs 7..8 and the checkpoint
/// under <c>logs/</c>, signature <see cref="Signature"/>), a console whose output the test reads, a memory sink, and
/// a provider model whose Exchange writer offers that instance as one component.
/// </summary>
internal sealed class SnapshotCommandBench : IDisposable
{
    public const string Signature = "AAAA";

    public SnapshotCommandBench(string name)
    {
        Scratch = new ScratchDirectory(name);
        Live = Scratch.Sub("live");
        ToyEseFormat.WriteDatabase(Path.Combine(Live, "db", "app.edb"), Signature, pages: 16);
        ToyEseFormat.WriteLog(Path.Combine(Live, "logs", "edb00007.log"), Signature, 7);
        ToyEseFormat.WriteLog(Path.Combine(Live, "logs", "edb.log"), Signature, 8);
        ToyEseFormat.WriteCheckpoint(Path.Combine(Live, "logs", "edb.chk"), Signature, 8);
        Console = new CliConsole(Out, Err);
    }

    public ScratchDirectory Scratch { get; }

    public string Live { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Err { get; } = new();

    public CliConsole Console { get; }

    public MemorySink Sink { get; } = new();

    /// <summary>A provider model with the live instance's volume and the Exchange writer's <c>app</c> component.</summary>
    public SnapshotProviderModel ProviderWithAppWriter()
    {
        var provider = new SnapshotProviderModel(Scratch.Sub("snapshots")).AddVolume(Live);
        provider.AddComponent(new SnapshotComponent
        {
            WriterId = EseWriters.ExchangeStore,
            InstanceId = Guid.NewGuid(),
            WriterName = "Microsoft Exchange Writer",
            LogicalPath = "Microsoft Exchange Server\\Microsoft Information Store\\SRV",
            Name = "app",
            Files =
            [
                new SnapshotFileSpec(SnapshotFileRole.Database, Path.Combine(Live, "db"), "app.edb"),
                new SnapshotFileSpec(SnapshotFileRole.Log, Path.Combine(Live, "logs"), "edb*.log"),
                new SnapshotFileSpec(SnapshotFileRole.Log, Path.Combine(Live, "logs"), "edb.chk"),
            ],
        });
        return provider;
    }

    public void Dispose()
    {
        Out.Dispose();
        Err.Dispose();
        Scratch.Dispose();
    }
}
