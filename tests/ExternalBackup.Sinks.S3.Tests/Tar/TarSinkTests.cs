using System.Diagnostics;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Tar;

[TestFixture]
public sealed class TarSinkTests
{
    [Test]
    public async Task Tar_file_of_the_corpus_set_is_listed_by_gnu_tar_and_extracts_byte_identically()
    {
        using var scratch = new ScratchDirectory("tar-sink");
        var files = SetWriter.FromDirectory(TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch));
        var archive = Path.Combine(scratch.Path, "out", "set.tar");
        var set = SetWriter.Descriptor("20261122T044000000Z-full");
        BackupManifest manifest;
        await using (var sink = new TarSink(archive, new TarSinkOptions { InMemoryFileLimit = 256 * 1024 }))
        {
            manifest = await SetWriter.WriteSetAsync(sink, set, files, chunkSize: 40_000);
        }

        Assert.That(System.IO.Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(archive)!), Is.EqualTo(new[] { archive }), "only the archive: no temporary or spool file left");
        var listing = RunTar($"-tvf \"{archive}\"", scratch.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = listing.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).ToList();
        Assert.That(names, Is.EqualTo(files.Select(f => $"{set.SetId}/{f.Path}").Append($"{set.SetId}/manifest.json")), "entries in order, manifest last");
        Assert.That(listing[0], Does.StartWith("-rw-r--r--"));

        var extracted = scratch.Sub("extracted");
        RunTar($"-xf \"{archive}\" -C \"{extracted}\"", scratch.Path);
        foreach (var file in files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(extracted, set.SetId, file.Path)), Is.EqualTo(file.Bytes), file.Path);
        }

        var read = ManifestJson.Deserialize(File.ReadAllBytes(Path.Combine(extracted, set.SetId, "manifest.json")), "manifest");
        Assert.That(read.Files.Select(f => (f.Path, f.Sha256)), Is.EqualTo(manifest.Files.Select(f => (f.Path, f.Sha256))));
    }

    [Test]
    public async Task Tar_stream_with_a_spooled_large_file_extracts_byte_identically()
    {
        using var scratch = new ScratchDirectory("tar-stream");
        var big = new SourceFile("db/big.edb", SetWriter.RandomBytes(3 * 1024 * 1024 + 17, seed: 5), BackupFileKind.Database);
        var small = new SourceFile("edb.chk", SetWriter.RandomBytes(8192, seed: 6), BackupFileKind.Checkpoint);
        var archive = Path.Combine(scratch.Path, "stream.tar");
        var set = SetWriter.Descriptor("20261122T044100000Z-full");
        await using (var output = File.Create(archive))
        {
            await using var sink = new TarSink(output, leaveOpen: true, new TarSinkOptions { InMemoryFileLimit = 1024 * 1024, SpoolDirectory = scratch.Sub("spool"), SetFolder = false });
            await SetWriter.WriteSetAsync(sink, set, [big, small], chunkSize: 100_000);
        }

        Assert.That(System.IO.Directory.EnumerateFiles(Path.Combine(scratch.Path, "spool")), Is.Empty, "spool files are deleted");
        var extracted = scratch.Sub("x");
        RunTar($"-xf \"{archive}\" -C \"{extracted}\"", scratch.Path);
        Assert.That(File.ReadAllBytes(Path.Combine(extracted, "db/big.edb")), Is.EqualTo(big.Bytes));
        Assert.That(File.ReadAllBytes(Path.Combine(extracted, "edb.chk")), Is.EqualTo(small.Bytes));
        Assert.That(File.Exists(Path.Combine(extracted, "manifest.json")));
    }

    [TestCase("../escape.log")]
    [TestCase("/etc/passwd")]
    [TestCase("a/../../b")]
    public async Task Unsafe_entry_names_are_refused(string path)
    {
        using var scratch = new ScratchDirectory("tar-unsafe");
        var archive = Path.Combine(scratch.Path, "bad.tar");
        await using var sink = new TarSink(archive);
        await sink.BeginSetAsync(SetWriter.Descriptor("20261122T044200000Z-full"), CancellationToken.None);
        var error = Assert.ThrowsAsync<ArgumentException>(async () =>
            await sink.OpenFileAsync(new BackupFileDescriptor(path, BackupFileKind.Other, 1, "/x"), CancellationToken.None));
        Assert.That(error!.Message, Does.Contain(path));
    }

    [Test]
    public async Task Abort_leaves_no_archive_and_no_temporary_file()
    {
        using var scratch = new ScratchDirectory("tar-abort");
        var folder = scratch.Sub("out");
        var archive = Path.Combine(folder, "set.tar");
        await using (var sink = new TarSink(archive))
        {
            await sink.BeginSetAsync(SetWriter.Descriptor("20261122T044300000Z-full"), CancellationToken.None);
            await SetWriter.WriteFileAsync(sink, new SourceFile("a.log", SetWriter.RandomBytes(5000, 1)), 1000);
            Assert.That(System.IO.Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f) != TarSink.LockFileName).Single(), Does.EndWith(".partial"), "written under a temporary name");
            Assert.That(File.Exists(Path.Combine(folder, TarSink.LockFileName)), Is.True, "the folder is locked while the archive is written");
            await sink.AbortAsync(CancellationToken.None);
        }

        Assert.That(System.IO.Directory.EnumerateFileSystemEntries(folder), Is.Empty);
    }

    [Test]
    public void An_existing_archive_is_never_overwritten()
    {
        using var scratch = new ScratchDirectory("tar-exists");
        var archive = Path.Combine(scratch.Path, "set.tar");
        File.WriteAllText(archive, "keep");
        Assert.Throws<IOException>(() => _ = new TarSink(archive));
        Assert.That(File.ReadAllText(archive), Is.EqualTo("keep"));
    }

    [Test]
    public async Task Bytes_that_do_not_match_the_completed_hash_fail_the_file()
    {
        using var scratch = new ScratchDirectory("tar-hash");
        await using var sink = new TarSink(Path.Combine(scratch.Path, "set.tar"));
        await sink.BeginSetAsync(SetWriter.Descriptor("20261122T044400000Z-full"), CancellationToken.None);
        var file = new BackupFileDescriptor("a.log", BackupFileKind.Log, 3, "/a.log");
        await sink.OpenFileAsync(file, CancellationToken.None);
        await sink.WriteAsync(new BackupChunk(0, new byte[] { 1, 2, 3 }), CancellationToken.None);
        var error = Assert.ThrowsAsync<InvalidDataException>(async () =>
            await sink.CompleteFileAsync(new CompletedFile(file, 3, new string('0', 64)), CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("a.log").And.Contain("SHA-256"));
    }

    private static string RunTar(string arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo("tar", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            Environment = { ["LC_ALL"] = "C" },
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"tar {arguments}: {stderr}");
        Assert.That(stderr, Is.Empty, $"tar {arguments} warned");
        return stdout;
    }
}
