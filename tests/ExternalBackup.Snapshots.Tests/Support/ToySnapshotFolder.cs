using ExternalBackup.Manifest;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>
/// The frozen folder the walker and swap tests start from: a toy database under <c>db/</c>, logs 7 and 8 and a
/// checkpoint, already backed up once (set <c>earlier-full</c>) into a folder destination, so a later backup that
/// fails must leave that destination as it was.
/// </summary>
internal static class ToySnapshotFolder
{
    /// <summary>The log signature of every file of the folder.</summary>
    public const string Sig = "AAAA";

    /// <summary>The source every such test backs up with (32 KiB chunks).</summary>
    public static FrozenFolderSource Source() => new(new ToyEseFormat(), new FrozenFolderSourceOptions { ChunkSize = 32 * 1024 });

    /// <summary>Writes the folder under <paramref name="scratch"/> and backs it up once; returns the folder and the destination.</summary>
    public static async Task<(string Folder, string Destination)> WithEarlierFullAsync(ScratchDirectory scratch)
    {
        var folder = scratch.Sub("snapshot");
        ToyEseFormat.WriteDatabase(Path.Combine(folder, "db", "app.edb"), Sig, pages: 16);
        ToyEseFormat.WriteLog(Path.Combine(folder, "edb00007.log"), Sig, 7);
        ToyEseFormat.WriteLog(Path.Combine(folder, "edb.log"), Sig, 8);
        ToyEseFormat.WriteCheckpoint(Path.Combine(folder, "edb.chk"), Sig, 8);
        var destination = scratch.Sub("backups");
        await using var sink = new DirectorySink(destination, new DirectorySinkOptions { FlushToDisk = false });
        await new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(folder), sink, BackupKind.Full, "earlier-full");
        return (folder, destination);
    }
}
