using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Snapshots.Tests.Support;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Snapshots.Tests;

/// <summary>
/// A sub-folder of the snapshot folder swapped for a link to a folder outside after the set was planned (between the
/// listing and the reads): the file is refused in one line naming it and what is now on its way, nothing from outside
/// is read into the set, and the destination (which already holds a set) is unchanged.
/// </summary>
[LinuxOnly("the swap is a Linux symbolic link made while the backup runs")]
public sealed class FrozenFolderSwapTests
{
    private const string Sig = ToySnapshotFolder.Sig;
    private ScratchDirectory _scratch = null!;
    private string _folder = null!;
    private string _destination = null!;

    [SetUp]
    public async Task SetUp()
    {
        _scratch = new ScratchDirectory("swap");
        (_folder, _destination) = await ToySnapshotFolder.WithEarlierFullAsync(_scratch);
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private static FrozenFolderSource Source() => ToySnapshotFolder.Source();

    [Test]
    public async Task A_sub_folder_swapped_for_a_link_outside_after_planning_is_refused_and_nothing_from_outside_is_read()
    {
        var db = Path.Combine(_folder, "db");
        var outside = _scratch.Sub("outside");
        // The same bytes outside: only where they were read from can tell the two apart.
        File.Copy(Path.Combine(db, "app.edb"), Path.Combine(outside, "app.edb"));
        var before = Listing(_destination);
        var sink = new SwapOnBegin(new DirectorySink(_destination, new DirectorySinkOptions { FlushToDisk = false }), () =>
        {
            Directory.Move(db, Path.Combine(_scratch.Path, "db-moved-away"));
            Directory.CreateSymbolicLink(db, outside);
        });

        FrozenSetException? refused;
        await using (sink)
        {
            refused = Assert.ThrowsAsync<FrozenSetException>(async () => await new FrozenFolderBackup(Source()).RunAsync(FrozenFolderLayout.Single(_folder), sink, BackupKind.Full, "swapped"));
        }

        var file = Path.Combine(db, "app.edb");
        Assert.Multiple(() =>
        {
            Assert.That(sink.Swapped, Is.True, "the swap happened after planning, before the reads");
            Assert.That(refused!.FilePath, Is.EqualTo(file));
            Assert.That(refused.Message, Is.EqualTo($"{file}: {db} on its way is now a symbolic link, not a folder (it replaced the folder listed): links are never followed, nothing was read"));
            Assert.That(Listing(_destination), Is.EqualTo(before), "no set from outside, nothing left behind");
        });
    }

    private static string Listing(string folder) => string.Join('\n',
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? $"{Path.GetRelativePath(folder, p)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))}" : Path.GetRelativePath(folder, p) + "/"));

    /// <summary>The sink, with <c>swap</c> run when the set begins: after the source planned it, before any file is read.</summary>
    private sealed class SwapOnBegin(IBackupSink inner, Action swap) : IBackupSink
    {
        public bool Swapped { get; private set; }

        public async ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
        {
            await inner.BeginSetAsync(set, cancellationToken);
            swap();
            Swapped = true;
        }

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => inner.OpenFileAsync(file, cancellationToken);

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken) => inner.WriteAsync(chunk, cancellationToken);

        public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => inner.CompleteFileAsync(file, cancellationToken);

        public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => inner.CommitAsync(manifest, cancellationToken);

        public ValueTask AbortAsync(CancellationToken cancellationToken) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
