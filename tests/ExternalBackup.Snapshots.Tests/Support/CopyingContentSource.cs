using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>A content source for coordinator tests: copies every matching file as-is; can fail or leave a component unverified.</summary>
internal sealed class CopyingContentSource : ISnapshotContentSource
{
    public Action<string>? OnEvent { get; init; }

    public Exception? Failure { get; set; }

    public string? LeaveUnverified { get; set; }

    public List<string> SeenFolders { get; } = [];

    public async ValueTask<SnapshotCopyResult> CopyAsync(IReadOnlyList<SnapshotComponentContent> components, IBackupSink sink, BackupKind kind, CancellationToken cancellationToken)
    {
        OnEvent?.Invoke("copy");
        if (Failure is not null)
        {
            throw Failure;
        }

        var files = new List<ManifestFile>();
        foreach (var content in components)
        {
            foreach (var spec in content.FilesInSnapshot)
            {
                SeenFolders.Add(spec.Folder);
                foreach (var path in Directory.EnumerateFiles(spec.Folder, spec.FileSpec).Order(StringComparer.Ordinal))
                {
                    var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
                    var descriptor = new BackupFileDescriptor($"{content.Component.Name}/{Path.GetFileName(path)}", BackupFileKind.Other, bytes.Length, path);
                    await sink.OpenFileAsync(descriptor, cancellationToken);
                    await sink.WriteAsync(new BackupChunk(0, bytes), cancellationToken);
                    var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
                    await sink.CompleteFileAsync(new CompletedFile(descriptor, bytes.Length, sha), cancellationToken);
                    files.Add(new ManifestFile { Path = descriptor.Path, Kind = descriptor.Kind, Bytes = bytes.Length, Sha256 = sha, SourcePath = path });
                }
            }
        }

        return new SnapshotCopyResult
        {
            Files = files,
            VerifiedComponents = components.Select(c => c.Component.Key).Where(k => k != LeaveUnverified).ToList(),
        };
    }
}
