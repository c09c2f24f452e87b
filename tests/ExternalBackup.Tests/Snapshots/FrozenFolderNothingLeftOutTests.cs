using ExternalBackup.Cli;
using ExternalBackup.Cli.Commands;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Snapshots;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sources;

namespace ExternalBackup.Tests.Snapshots;

/// <summary>
/// A file of a snapshot folder that is a database by name, by position or by its pages is in the set or the backup
/// fails naming it and why; an unreadable one fails too; the destination is left as it was (real ESE format).
/// </summary>
public sealed class FrozenFolderNothingLeftOutTests
{
    private ScratchDirectory _scratch = null!;
    private string _folder = null!;
    private string _destination = null!;

    [SetUp]
    public async Task SetUp()
    {
        _scratch = new ScratchDirectory("frozen-left-out");
        _folder = await SyntheticSourceFolder.WriteAsync(_scratch.Sub("snapshot"), "basic.edb", "other.edb");
        _destination = _scratch.Sub("backups");
        Directory.CreateDirectory(_destination);
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private async Task<BackupManifest> Backup(FrozenFolderLayout? layout = null)
    {
        await using var sink = new DirectorySink(_destination);
        return await new FrozenFolderBackup(new FrozenFolderSource()).RunAsync(layout ?? FrozenFolderLayout.Single(_folder), sink, BackupKind.Full);
    }

    [Test]
    public async Task EveryDatabaseIsInTheSetAndTheCountsAreTheFolders()
    {
        var manifest = await Backup();

        Assert.Multiple(() =>
        {
            Assert.That(manifest.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.Path), Is.EquivalentTo(new[] { "databases/basic.edb", "databases/other.edb" }));
            Assert.That(manifest.Counts, Is.EqualTo(new SetCounts(2, 4, 1, 0, Directory.EnumerateFiles(_folder).Sum(f => new FileInfo(f).Length))));
        });
    }

    [Test]
    public async Task AZeroedHeaderDatabaseByNameFailsTheCommandNamingItAndLeavesTheDestinationAsItWas()
    {
        SyntheticSourceFolder.ZeroHeaderPages(Path.Combine(_folder, "basic.edb"));
        var before = SyntheticSourceFolder.Listing(_destination);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code;
        await using (var sink = new DirectorySink(_destination))
        {
            code = await SnapshotBackupCommand.RunFromSnapshotAsync(new SnapshotBackupArguments { FromSnapshot = _folder }, sink, new CliConsole(output, error), CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(CliConsole.Failed), output.ToString());
            Assert.That(error.ToString(), Does.Contain("basic.edb").And.Contain("its name ends in .edb").And.Contain("not a readable ESE database header"));
            Assert.That(SyntheticSourceFolder.Listing(_destination), Is.EqualTo(before));
        });
    }

    [Test]
    public void AZeroedHeaderDatabaseWithNoExtensionIsFoundByItsPages()
    {
        var path = Path.Combine(_folder, "basic");
        File.Move(Path.Combine(_folder, "basic.edb"), path);
        SyntheticSourceFolder.ZeroHeaderPages(path);

        AssertRefused(path, "it holds database pages of 4096 bytes after its header pages");
    }

    [Test]
    public void AZeroedHeaderDatabaseByPositionIsNamedByTheComponentsFileSpec()
    {
        var path = Path.Combine(_folder, "basic.dat");
        File.Move(Path.Combine(_folder, "basic.edb"), path);
        File.WriteAllBytes(path, new byte[64 * SyntheticSourceFolder.PageSize]);

        AssertRefused(path, "the component's database file specification '*.dat' names it", new FrozenFolderLayout([_folder], [_folder]) { DatabaseFileSpecs = ["*.dat", "*.edb"] });
    }

    [LinuxOnly("the database is replaced by a Linux link to nothing, which Wine resolves differently")]
    [Test]
    public void ADatabaseThatCannotBeOpenedFailsTheBackupNamingIt()
    {
        // As root every regular file is readable, so the database is replaced by a link to nothing: the walker
        // refuses it by name before anything is opened (a read error on a regular file says "cannot be read").
        var path = Path.Combine(_folder, "basic.edb");
        SyntheticSourceFolder.MakeUnreadable(path);

        AssertRefused(path, "links are never followed");
    }

    private void AssertRefused(string path, string why, FrozenFolderLayout? layout = null)
    {
        var before = SyntheticSourceFolder.Listing(_destination);

        var e = Assert.ThrowsAsync<FrozenSetException>(() => Backup(layout));

        Assert.Multiple(() =>
        {
            Assert.That(e!.FilePath, Is.EqualTo(path));
            Assert.That(e.Message, Does.Contain(why));
            Assert.That(SyntheticSourceFolder.Listing(_destination), Is.EqualTo(before));
        });
    }
}
