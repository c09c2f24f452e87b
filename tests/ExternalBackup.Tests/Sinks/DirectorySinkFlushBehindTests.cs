using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// The directory sink's flush-behind: windows of a file are written back while the file is still being written and
/// leave the page cache, observed with util-linux <c>fincore</c> (page-cache residency); and every chunk shape still
/// yields the exact bytes. The scratch folder is on the machine's ext4 disk.
/// </summary>
[LinuxOnly("flush-behind is Linux writeback (LinuxWriteback), observed with util-linux fincore; on Windows the sink does not flush behind")]
public class DirectorySinkFlushBehindTests
{
    private const int Mib = 1024 * 1024;

    /// <summary>The database file the residency tests write, as a set path.</summary>
    private const string Database = "databases/a/db.edb";

    [Test]
    public async Task At_most_two_windows_of_a_file_being_written_stay_in_the_page_cache_and_none_after_commit()
    {
        using var scratch = new ScratchDirectory("flush-behind");
        var bytes = RandomNumberGenerator.GetBytes(32 * Mib);
        await using var sink = new DirectorySink(scratch.Path, new DirectorySinkOptions { FlushBehindWindow = Mib });
        var descriptor = await WriteInMibChunksAsync(sink, Database, bytes);
        var staged = InSet(scratch, staging: true);
        Assert.That(sink.FlushedBehindBytes, Is.EqualTo(31L * Mib), "every window but the last (its writeback just started) was written back and let go");
        Assert.That(ResidentBytes(staged), Is.LessThanOrEqualTo(2L * Mib), "only the last two windows are cached");

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        var committed = InSet(scratch, staging: false);
        Assert.That(ResidentBytes(committed), Is.Zero, "after the flush no page of the backup stays cached");
        Assert.That(File.ReadAllBytes(committed), Is.EqualTo(bytes));
    }

    [Test]
    public async Task Across_many_small_files_at_most_two_windows_stay_in_the_page_cache_and_none_after_commit()
    {
        using var scratch = new ScratchDirectory("flush-behind-logs");
        await using var sink = new DirectorySink(scratch.Path, new DirectorySinkOptions { FlushBehindWindow = Mib });
        await sink.BeginSetAsync(new BackupSetDescriptor("s", BackupKind.Incremental, DateTimeOffset.UnixEpoch, "test"), default);
        var files = Enumerable.Range(1, 16).Select(i => ($"logs/edb{i:X5}.log", RandomNumberGenerator.GetBytes(Mib))).ToArray();
        foreach (var (path, bytes) in files)
        {
            var descriptor = new BackupFileDescriptor(path, BackupFileKind.Log, bytes.Length, "/src/" + path);
            await sink.OpenFileAsync(descriptor, default);
            await sink.WriteAsync(new BackupChunk(0, bytes), default);
            await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), default);
        }

        var staged = files.Select(f => Path.Combine(scratch.Path, DirectorySink.StagingFolderName, "s", f.Item1)).ToArray();
        var resident = staged.Select(ResidentBytes).ToArray();
        Assert.That(resident[..^2], Is.All.Zero, "every log but the last two was waited for and let go while the next ones were written");
        Assert.That(resident.Sum(), Is.LessThanOrEqualTo(2L * Mib));

        await sink.CommitAsync(DirectorySinkTests.ManifestFor("s", BackupKind.Incremental, files), default);
        foreach (var (path, bytes) in files)
        {
            var committed = Path.Combine(scratch.Path, "s", path);
            Assert.That(ResidentBytes(committed), Is.Zero, $"{path}: no page of the backup stays cached after the commit");
            Assert.That(File.ReadAllBytes(committed), Is.EqualTo(bytes));
        }
    }

    [Test]
    public async Task Without_flush_behind_the_whole_file_stays_in_the_page_cache()
    {
        using var scratch = new ScratchDirectory("no-flush-behind");
        var bytes = RandomNumberGenerator.GetBytes(32 * Mib);
        await using var sink = new DirectorySink(scratch.Path, new DirectorySinkOptions { FlushBehind = false });
        var descriptor = await WriteInMibChunksAsync(sink, Database, bytes);
        var staged = InSet(scratch, staging: true);
        Assert.That(sink.FlushedBehindBytes, Is.Zero);
        Assert.That(ResidentBytes(staged), Is.EqualTo(32L * Mib), "every written page is cached");

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        Assert.That(File.ReadAllBytes(InSet(scratch, staging: false)), Is.EqualTo(bytes));
    }

    [Test]
    public async Task Chunks_of_any_shape_are_written_exactly_with_flush_behind([Values(1, 2, 3, 4, 5)] int seed)
    {
        using var scratch = new ScratchDirectory("flush-behind-shapes");
        var random = new Random(seed);
        var bytes = new byte[random.Next(300_000, 900_000)];
        random.NextBytes(bytes);
        await using var sink = new DirectorySink(scratch.Path, new DirectorySinkOptions { FlushBehindWindow = 64 * 1024 });
        var descriptor = await BeginAsync(sink, "logs/edb00001.log", bytes.Length);
        for (var offset = 0; offset < bytes.Length;)
        {
            var count = Math.Min(bytes.Length - offset, random.Next(3) switch { 0 => 4096, 1 => random.Next(1, 9000), _ => random.Next(1, 200_000) });
            await sink.WriteAsync(new BackupChunk(offset, bytes.AsMemory(offset, count)), default);
            offset += count;
        }

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s", "logs", "edb00001.log")), Is.EqualTo(bytes));
        Assert.That(sink.FlushedBehindBytes, Is.EqualTo((bytes.Length / (64 * 1024) - 1) * 64L * 1024), "every window but the last whole one settled");
    }

    [Test]
    public void A_window_under_64_KiB_is_refused()
    {
        using var scratch = new ScratchDirectory("flush-behind-window");
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DirectorySink(scratch.Path, new DirectorySinkOptions { FlushBehindWindow = 4096 }));
    }

    /// <summary>Where <see cref="Database"/> of set "s" is: in the staging folder while written, in the set's folder once committed.</summary>
    private static string InSet(ScratchDirectory scratch, bool staging) =>
        Path.Combine(staging ? Path.Combine(scratch.Path, DirectorySink.StagingFolderName) : scratch.Path, "s", "databases", "a", "db.edb");

    private static async Task<BackupFileDescriptor> WriteInMibChunksAsync(DirectorySink sink, string path, byte[] bytes)
    {
        var descriptor = await BeginAsync(sink, path, bytes.Length);
        for (var offset = 0; offset < bytes.Length; offset += Mib)
        {
            await sink.WriteAsync(new BackupChunk(offset, bytes.AsMemory(offset, Mib)), default);
        }

        return descriptor;
    }

    private static async Task<BackupFileDescriptor> BeginAsync(DirectorySink sink, string path, long length)
    {
        await sink.BeginSetAsync(new BackupSetDescriptor("s", BackupKind.Full, DateTimeOffset.UnixEpoch, "test"), default);
        var descriptor = new BackupFileDescriptor(path, BackupFileKind.Other, length, "/src/" + path);
        await sink.OpenFileAsync(descriptor, default);
        return descriptor;
    }

    private static async Task CompleteAndCommitAsync(DirectorySink sink, BackupFileDescriptor descriptor, byte[] bytes)
    {
        await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), default);
        await sink.CommitAsync(DirectorySinkTests.ManifestFor("s", BackupKind.Full, (descriptor.Path, bytes)), default);
    }

    /// <summary>Bytes of <paramref name="path"/> in the page cache, from util-linux <c>fincore</c>.</summary>
    internal static long ResidentBytes(string path)
    {
        var start = new ProcessStartInfo("fincore", ["--bytes", "--noheadings", "--raw", "--output", "RES", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var fincore = Process.Start(start) ?? throw new AssertionException("fincore (util-linux) could not be started");
        var output = fincore.StandardOutput.ReadToEnd();
        var error = fincore.StandardError.ReadToEnd();
        fincore.WaitForExit();
        Assert.That(fincore.ExitCode, Is.Zero, $"fincore {path}: {error}");
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
