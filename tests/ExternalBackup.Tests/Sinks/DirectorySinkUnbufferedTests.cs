using System.Security.Cryptography;
using ExternalBackup.Buffers;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

/// <summary>
/// The directory sink's unbuffered (O_DIRECT) writes: which chunks take that path, and that every chunk shape
/// still yields the exact bytes. The scratch folder is on the machine's ext4 disk, which takes O_DIRECT.
/// </summary>
public class DirectorySinkUnbufferedTests
{
    private const int ODirect = 0x4000; // x86-64; the test machines are x86-64 Debian

    [Test]
    public async Task Pooled_aligned_chunks_go_past_the_page_cache_and_a_short_tail_is_cut_back_to_its_length()
    {
        RequireLinuxX64();
        using var scratch = new ScratchDirectory("unbuffered");
        using var pool = new AlignedBufferPool(64 * 1024, 2);
        var bytes = RandomNumberGenerator.GetBytes((3 * 64 * 1024) + 1000); // three full chunks and a 1000-byte tail
        await using var sink = new DirectorySink(scratch.Path);
        var descriptor = await BeginAsync(sink, "s", "databases/a/db.edb", bytes.Length);
        var staged = Path.Combine(scratch.Path, DirectorySink.StagingFolderName, "s", "databases", "a", "db.edb");

        for (var offset = 0; offset < bytes.Length; offset += pool.BufferSize)
        {
            var buffer = pool.Rent(default);
            buffer.GetSpan().Fill(0xEE); // stale bytes of an earlier use: must never reach the disk
            var count = Math.Min(pool.BufferSize, bytes.Length - offset);
            bytes.AsSpan(offset, count).CopyTo(buffer.GetSpan());
            await sink.WriteAsync(new BackupChunk(offset, buffer.Memory[..count]), default);
            pool.Return(buffer);
            Assert.That(OpenFlags(staged) & ODirect, Is.EqualTo(ODirect), $"the staged file is open with O_DIRECT after the write at {offset}");
        }

        // Before completion the tail was written rounded up to 4 KiB, the slack zeroed (not the buffer's 0xEE).
        var onDisk = ReadPastTheSinksLock(staged);
        Assert.That(onDisk, Has.Length.EqualTo(RoundUp(bytes.Length)));
        Assert.That(onDisk.Skip(bytes.Length).All(b => b == 0), Is.True, "the rounding slack holds zeros only");

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        Assert.That(sink.UnbufferedBytes, Is.EqualTo(bytes.Length));
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s", "databases", "a", "db.edb")), Is.EqualTo(bytes));
    }

    [Test]
    public async Task Chunks_of_any_shape_are_written_exactly_whichever_path_each_takes([Values(1, 2, 3, 4, 5)] int seed)
    {
        RequireLinuxX64();
        using var scratch = new ScratchDirectory("unbuffered-mixed");
        using var pool = new AlignedBufferPool(32 * 1024, 1);
        var random = new Random(seed);
        var bytes = new byte[random.Next(100_000, 400_000)];
        random.NextBytes(bytes);
        await using var sink = new DirectorySink(scratch.Path);
        var descriptor = await BeginAsync(sink, "s", "logs/edb00001.log", bytes.Length);

        var unbuffered = 0L;
        for (var offset = 0; offset < bytes.Length;)
        {
            // Pooled chunks (aligned when the offset is), managed arrays, odd lengths and odd offsets, in any order.
            var count = Math.Min(bytes.Length - offset, random.Next(4) switch { 0 => pool.BufferSize, 1 => 4096, 2 => random.Next(1, 9000), _ => random.Next(1, pool.BufferSize) });
            if (random.Next(2) == 0)
            {
                var buffer = pool.Rent(default);
                bytes.AsSpan(offset, count).CopyTo(buffer.GetSpan());
                await sink.WriteAsync(new BackupChunk(offset, buffer.Memory[..count]), default);
                pool.Return(buffer);
                unbuffered += offset % 4096 == 0 ? count : 0;
            }
            else
            {
                await sink.WriteAsync(new BackupChunk(offset, bytes.AsMemory(offset, count)), default);
            }

            offset += count;
        }

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s", "logs", "edb00001.log")), Is.EqualTo(bytes));
        Assert.That(sink.UnbufferedBytes, Is.EqualTo(unbuffered), "exactly the pooled chunks that start on a 4 KiB boundary went unbuffered");
    }

    [Test]
    public async Task With_the_option_off_every_write_goes_through_the_page_cache()
    {
        RequireLinuxX64();
        using var scratch = new ScratchDirectory("buffered");
        using var pool = new AlignedBufferPool(64 * 1024, 1);
        var bytes = RandomNumberGenerator.GetBytes(64 * 1024);
        await using var sink = new DirectorySink(scratch.Path, new DirectorySinkOptions { UnbufferedWrites = false });
        var descriptor = await BeginAsync(sink, "s", "databases/a/db.edb", bytes.Length);
        var buffer = pool.Rent(default);
        bytes.CopyTo(buffer.GetSpan());
        await sink.WriteAsync(new BackupChunk(0, buffer.Memory), default);
        pool.Return(buffer);
        Assert.That(OpenFlags(Path.Combine(scratch.Path, DirectorySink.StagingFolderName, "s", "databases", "a", "db.edb")) & ODirect, Is.Zero);

        await CompleteAndCommitAsync(sink, descriptor, bytes);
        Assert.That(sink.UnbufferedBytes, Is.Zero);
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s", "databases", "a", "db.edb")), Is.EqualTo(bytes));
    }

    private static async Task<BackupFileDescriptor> BeginAsync(DirectorySink sink, string setId, string path, long length)
    {
        await sink.BeginSetAsync(new BackupSetDescriptor(setId, BackupKind.Full, DateTimeOffset.UnixEpoch, "test"), default);
        var descriptor = new BackupFileDescriptor(path, BackupFileKind.Other, length, "/src/" + path);
        await sink.OpenFileAsync(descriptor, default);
        return descriptor;
    }

    private static async Task CompleteAndCommitAsync(DirectorySink sink, BackupFileDescriptor descriptor, byte[] bytes)
    {
        await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), default);
        await sink.CommitAsync(DirectorySinkTests.ManifestFor("s", BackupKind.Full, (descriptor.Path, bytes)), default);
    }

    /// <summary>Reads a file the sink holds with an exclusive lock (.NET's FileShare.None is an flock) through another process.</summary>
    private static byte[] ReadPastTheSinksLock(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("cat", [path]) { RedirectStandardOutput = true };
        using var cat = System.Diagnostics.Process.Start(start)!;
        using var bytes = new MemoryStream();
        cat.StandardOutput.BaseStream.CopyTo(bytes);
        cat.WaitForExit();
        Assert.That(cat.ExitCode, Is.Zero, $"cat {path}");
        return bytes.ToArray();
    }

    private static int RoundUp(int length) => (length + 4095) / 4096 * 4096;

    /// <summary>The open flags of this process's descriptor for <paramref name="path"/>, from /proc/self/fdinfo.</summary>
    private static int OpenFlags(string path)
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target == path)
            {
                var line = File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(fd)}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
                return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
            }
        }

        throw new AssertionException($"no open descriptor of this process points at {path}");
    }

    private static void RequireLinuxX64()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Fail("these tests observe O_DIRECT through /proc on x86-64 Linux, which this machine is not");
        }
    }
}
