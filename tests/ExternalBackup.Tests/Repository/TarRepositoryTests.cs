using System.Formats.Tar;
using ExternalBackup.Repository;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Repository;

/// <summary>The repository contract on tar archives written by <see cref="TarSink"/>, one archive per set in a folder (<c>tar:DIR</c>).</summary>
[TestFixture]
public sealed class TarRepositoryTests : LocalRepositoryContract
{
    private ScratchDirectory? _scratch;
    private string _folder = "";

    [TearDown]
    public void Clean() => _scratch?.Dispose();

    internal override async Task<IBackupRepository> WriteAsync(IReadOnlyList<ContractSet> sets)
    {
        _scratch = new ScratchDirectory("repo-tar");
        _folder = _scratch.Sub("archives");
        foreach (var set in sets)
        {
            await using var sink = new TarSink(Path.Combine(_folder, set.Id + ".tar"));
            await set.WriteAsync(sink);
        }

        return Reopen();
    }

    internal override async Task WriteUncommittedAsync(ContractSet set)
    {
        // What an interrupted tar:- stream leaves: the files, no manifest, no end marker.
        using var buffer = new MemoryStream();
        await using (var sink = new TarSink(buffer, leaveOpen: true))
        {
            await set.WriteAsync(sink, commit: false);
        }

        await File.WriteAllBytesAsync(Path.Combine(_folder, set.Id + ".tar"), buffer.ToArray());
    }

    internal override IBackupRepository Reopen() => new TarRepository(_folder);

    protected override Task ReplaceFileAsync(string setName, string path, byte[] bytes) =>
        RewriteAsync(setName, $"{setName}/{path}", e => Regular(e.Name, bytes));

    protected override Task RemoveFileAsync(string setName, string path) => RewriteAsync(setName, $"{setName}/{path}", _ => null);

    protected override Task ReplaceManifestAsync(string setName, byte[] manifest) =>
        RewriteAsync(setName, $"{setName}/manifest.json", e => Regular(e.Name, manifest));

    protected override Task PlaceAsync(string setName, string path, HostileEntry entry, string outside) =>
        RewriteAsync(setName, $"{setName}/{path}", e => entry switch
        {
            HostileEntry.LinkToDevZero => new PaxTarEntry(TarEntryType.SymbolicLink, e.Name) { LinkName = "/dev/zero" },
            HostileEntry.LinkOutside => new PaxTarEntry(TarEntryType.SymbolicLink, e.Name) { LinkName = outside },
            HostileEntry.Fifo => new PaxTarEntry(TarEntryType.Fifo, e.Name),
            _ => new PaxTarEntry(TarEntryType.CharacterDevice, e.Name) { DeviceMajor = 1, DeviceMinor = 5 },
        });

    [Test]
    public async Task A_name_stored_twice_in_an_archive_is_refused_as_ambiguous()
    {
        await using var _ = await WriteAsync(Sets);
        var archive = Path.Combine(_folder, "s2-incremental.tar");
        var entries = ReadEntries(archive);
        entries.Insert(0, ("s2-incremental/logs/edb00004.log", TarEntryType.RegularFile, Bytes(65_536, 8), null));
        WriteEntries(archive, entries);
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[1];
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, set.Manifest.Files[1]));
        Assert.That(e!.Message, Does.Contain("'logs/edb00004.log' is stored more than once"));
    }

    [Test]
    public async Task One_archive_is_a_destination_too()
    {
        await using var _ = await WriteAsync(Sets);
        await using var repository = new TarRepository(Path.Combine(_folder, "s1-full.tar"));
        var sets = await repository.ListSetsAsync(CancellationToken.None);
        Assert.That(sets.Select(s => s.Name), Is.EqualTo(new[] { "s1-full" }));
        Assert.That(repository.Location, Does.StartWith("tar:"));
    }

    private static PaxTarEntry Regular(string name, byte[] bytes) => new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) };

    private async Task RewriteAsync(string setName, string name, Func<TarEntry, TarEntry?> change)
    {
        var archive = Path.Combine(_folder, setName + ".tar");
        var entries = new List<TarEntry>();
        await using (var input = File.OpenRead(archive))
        await using (var reader = new TarReader(input))
        {
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.Name == name)
                {
                    if (change(entry) is { } replaced)
                    {
                        entries.Add(replaced);
                    }
                }
                else
                {
                    entries.Add(entry);
                }
            }
        }

        await using var output = File.Create(archive);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            await writer.WriteEntryAsync(entry);
        }
    }

    private static List<(string Name, TarEntryType Type, byte[] Data, string? Link)> ReadEntries(string archive)
    {
        var list = new List<(string, TarEntryType, byte[], string?)>();
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            list.Add((entry.Name, entry.EntryType, data.ToArray(), entry.LinkName));
        }

        return list;
    }

    private static void WriteEntries(string archive, List<(string Name, TarEntryType Type, byte[] Data, string? Link)> entries)
    {
        using var output = File.Create(archive);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var (name, _, data, _) in entries)
        {
            writer.WriteEntry(Regular(name, data));
        }
    }
}
