using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Sinks.S3.Tests;

/// <summary>A file to send through a sink: its set path and its bytes.</summary>
internal sealed record SourceFile(string Path, byte[] Bytes, BackupFileKind Kind = BackupFileKind.Other)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));
}

/// <summary>Drives a sink the way the pipeline does: begin, then per file open / write chunks / complete, then commit.</summary>
internal static class SetWriter
{
    public static IReadOnlyList<SourceFile> FromDirectory(string root) =>
        System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => new SourceFile(Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes(f),
                f.EndsWith(".log", StringComparison.Ordinal) ? BackupFileKind.Log : f.EndsWith(".chk", StringComparison.Ordinal) ? BackupFileKind.Checkpoint : BackupFileKind.Other))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static BackupSetDescriptor Descriptor(string setId, BackupKind kind = BackupKind.Full) =>
        new(setId, kind, new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero), "test-instance");

    public static BackupManifest Manifest(BackupSetDescriptor set, IReadOnlyList<SourceFile> files) => new()
    {
        SetId = set.SetId,
        Kind = set.Kind,
        StartedUtc = set.StartedUtc,
        CompletedUtc = set.StartedUtc.AddMinutes(1),
        Instance = set.Instance,
        Source = "test",
        Files = files.Select(f => new ManifestFile { Path = f.Path, Kind = f.Kind, Bytes = f.Bytes.Length, Sha256 = f.Sha256 }).ToList(),
    };

    /// <summary>Writes one file in chunks of <paramref name="chunkSize"/>; stops after <paramref name="stopAfter"/> bytes when given.</summary>
    public static async Task WriteFileAsync(IBackupSink sink, SourceFile file, int chunkSize, long? stopAfter = null)
    {
        var descriptor = new BackupFileDescriptor(file.Path, file.Kind, file.Bytes.Length, "/source/" + file.Path);
        await sink.OpenFileAsync(descriptor, CancellationToken.None);
        var end = stopAfter ?? file.Bytes.Length;
        for (long offset = 0; offset < end; offset += chunkSize)
        {
            var n = (int)Math.Min(chunkSize, end - offset);
            // A copy the test scribbles over after the call: the sink must not keep chunk memory.
            var chunk = file.Bytes.AsSpan((int)offset, n).ToArray();
            await sink.WriteAsync(new BackupChunk(offset, chunk), CancellationToken.None);
            Array.Fill(chunk, (byte)0xEE);
        }

        if (stopAfter is null)
        {
            await sink.CompleteFileAsync(new CompletedFile(descriptor, file.Bytes.Length, file.Sha256), CancellationToken.None);
        }
    }

    /// <summary>Writes and commits a whole set; on any failure aborts it and rethrows.</summary>
    public static async Task<BackupManifest> WriteSetAsync(IBackupSink sink, BackupSetDescriptor set, IReadOnlyList<SourceFile> files, int chunkSize = 64 * 1024)
    {
        try
        {
            await sink.BeginSetAsync(set, CancellationToken.None);
            foreach (var file in files)
            {
                await WriteFileAsync(sink, file, chunkSize);
            }

            var manifest = Manifest(set, files);
            await sink.CommitAsync(manifest, CancellationToken.None);
            return manifest;
        }
        catch
        {
            await sink.AbortAsync(CancellationToken.None);
            throw;
        }
    }
}
