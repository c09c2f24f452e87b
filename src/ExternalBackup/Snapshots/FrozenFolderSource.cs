using System.Buffers;
using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Backs up ESE files that do not change while they are read: a mounted snapshot, a stopped instance, a disk image,
/// or (through <see cref="SnapshotBackupCoordinator"/>) a snapshot just created by a provider. Plans the set from
/// the headers (<see cref="FrozenSetPlanner"/>), then reads every file in large sequential chunks and, for each chunk,
/// verifies its pages or log segments (<see cref="IFrozenFileVerifier"/>, inline: the same bytes in the same pass, no
/// second read) on one thread while it is hashed and written to the sink on another and the next chunk is read. Any problem throws
/// <see cref="FrozenSetException"/> naming the file and its pages or generation; the caller aborts the set.
/// </summary>
public sealed class FrozenFolderSource : ISnapshotContentSource
{
    private const int Alignment = 32 * 1024;
    private readonly IFrozenFileVerifier _verifier;
    private readonly FrozenFolderSourceOptions _options;
    private readonly FrozenSetPlanner _planner;
    private readonly IProgress<FrozenCopyProgress>? _progress;

    /// <summary>Creates the source.</summary>
    /// <param name="verifier">Reads headers and verifies content; default <see cref="EseFrozenFileVerifier"/> (the ESE format library).</param>
    /// <param name="options">Options; default: <see cref="FrozenFolderSourceOptions"/> defaults.</param>
    /// <param name="progress">Receives progress after every chunk; default none.</param>
    public FrozenFolderSource(IFrozenFileVerifier? verifier = null, FrozenFolderSourceOptions? options = null, IProgress<FrozenCopyProgress>? progress = null)
    {
        _verifier = verifier ?? new EseFrozenFileVerifier();
        _options = options ?? new FrozenFolderSourceOptions();
        if (_options.ChunkSize <= 0 || _options.ChunkSize % Alignment != 0)
        {
            throw new ArgumentException($"ChunkSize must be a positive multiple of {Alignment} bytes (it is {_options.ChunkSize})", nameof(options));
        }

        _planner = new FrozenSetPlanner(_verifier, _options);
        _progress = progress;
    }

    /// <summary>Plans the backup of <paramref name="layout"/> without copying anything.</summary>
    public FrozenSetPlan Plan(FrozenFolderLayout layout, BackupKind kind) => _planner.Plan(layout, kind);

    /// <summary>Plans and copies <paramref name="layout"/> into <paramref name="sink"/> (whose set is begun), verifying inline.</summary>
    public async ValueTask<SnapshotCopyResult> CopyAsync(FrozenFolderLayout layout, IBackupSink sink, BackupKind kind, CancellationToken cancellationToken)
    {
        var plan = Plan(layout, kind);
        var files = await CopyPlanAsync(plan, sink, cancellationToken).ConfigureAwait(false);
        return new SnapshotCopyResult
        {
            Files = files,
            Databases = plan.Files.Where(f => f.Header.Type == FrozenFileType.Database).Select(ToManifestDatabase).ToList(),
            LogGenerations = plan.LogGenerations,
            LogBaseName = plan.LogBaseName,
        };
    }

    /// <summary>
    /// Copies each component's databases (those its database file specifications name, in their folders) and its log
    /// folders (inside the snapshot); with several components each is stored under its name.
    /// </summary>
    public async ValueTask<SnapshotCopyResult> CopyAsync(IReadOnlyList<SnapshotComponentContent> components, IBackupSink sink, BackupKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(components);
        var results = new List<SnapshotCopyResult>();
        foreach (var content in components)
        {
            var prefix = components.Count > 1 ? SafeName(content.Component.Name) : "";
            var databaseSpecs = content.FilesInSnapshot.Where(f => f.Role == SnapshotFileRole.Database).ToList();
            var layout = new FrozenFolderLayout(
                databaseSpecs.Select(f => f.Folder).Distinct().ToList(),
                content.FilesInSnapshot.Where(f => f.Role == SnapshotFileRole.Log).Select(f => f.Folder).Distinct().ToList(),
                prefix)
            {
                DatabaseFileSpecs = databaseSpecs.Select(f => f.FileSpec).Distinct().ToList(),
                RecurseDatabaseFolders = databaseSpecs.Any(f => f.Recursive),
            };
            results.Add(await CopyAsync(layout, sink, kind, cancellationToken).ConfigureAwait(false));
        }

        return new SnapshotCopyResult
        {
            Files = results.SelectMany(r => r.Files).ToList(),
            Databases = results.SelectMany(r => r.Databases).ToList(),
            LogGenerations = results.Count == 1 ? results[0].LogGenerations : null,
            LogBaseName = results.Select(r => r.LogBaseName).Distinct().Count() == 1 ? results[0].LogBaseName : null,
            VerifiedComponents = _options.Verify ? components.Select(c => c.Component.Key).ToList() : [],
        };
    }

    private async ValueTask<List<ManifestFile>> CopyPlanAsync(FrozenSetPlan plan, IBackupSink sink, CancellationToken cancellationToken)
    {
        var manifest = new List<ManifestFile>();
        var setBytes = plan.Files.Sum(f => f.Length);
        long setDone = 0;
        var current = ArrayPool<byte>.Shared.Rent(_options.ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(_options.ChunkSize);
        try
        {
            foreach (var file in plan.Files)
            {
                var path = file.Header.Path;
                var descriptor = new BackupFileDescriptor(file.SetPath, file.Kind, file.Length, path);
                var check = _options.Verify ? _verifier.BeginCheck(file.Header, file.Length) : null;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await sink.OpenFileAsync(descriptor, cancellationToken).ConfigureAwait(false);
                var stream = FrozenFolderWalker.OpenForReading(path, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
                ValueTask<int> pending = default;
                var reading = false;
                await using (stream.ConfigureAwait(false))
                try
                {
                    long offset = 0;
                    var read = await stream.ReadAtLeastAsync(current.AsMemory(0, _options.ChunkSize), _options.ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    while (read > 0)
                    {
                        pending = stream.ReadAtLeastAsync(next.AsMemory(0, _options.ChunkSize), _options.ChunkSize, throwOnEndOfStream: false, cancellationToken);
                        reading = true;
                        // The chunk is verified on another thread while it is hashed and written (and the next one read):
                        // the same bytes, in the same pass; the set is committed only after every check completed clean.
                        var verifying = check is null ? Task.CompletedTask : Verify(check, offset, current, read);
                        try
                        {
                            hash.AppendData(current, 0, read);
                            await sink.WriteAsync(new BackupChunk(offset, current.AsMemory(0, read)), cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            await verifying.ConfigureAwait(false);
                        }
                        offset += read;
                        setDone += read;
                        _progress?.Report(new FrozenCopyProgress(file.SetPath, offset, file.Length, setDone, setBytes));
                        reading = false;
                        read = await pending.ConfigureAwait(false);
                        (current, next) = (next, current);
                    }

                    if (offset != file.Length)
                    {
                        throw new FrozenSetException(path, $"changed while being read: {file.Length} bytes when planned, {offset} read; the source is not frozen");
                    }

                    if (check is not null)
                    {
                        var problems = check.Complete();
                        if (problems.Count > 0)
                        {
                            throw new FrozenSetException(path, Describe(file.Header, problems));
                        }
                    }

                    var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                    await sink.CompleteFileAsync(new CompletedFile(descriptor, offset, sha), cancellationToken).ConfigureAwait(false);
                    manifest.Add(new ManifestFile
                    {
                        Path = file.SetPath,
                        Kind = file.Kind,
                        Bytes = offset,
                        Sha256 = sha,
                        SourcePath = path,
                        Generation = file.Header.Type == FrozenFileType.Log ? file.Header.Generation : null,
                    });
                }
                finally
                {
                    if (reading)
                    {
                        // A read into the spare buffer is still running: let it end before the buffer goes back to the pool.
                        try
                        {
                            await pending.ConfigureAwait(false);
                        }
#pragma warning disable CA1031 // the failure being propagated is the one that matters
                        catch (Exception)
#pragma warning restore CA1031
                        {
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }

        return manifest;
    }

    private static Task Verify(IFrozenFileCheck check, long offset, byte[] buffer, int count) =>
        Task.Run(() => check.Append(offset, buffer.AsSpan(0, count)));

    /// <summary>Describes problems, grouping consecutive pages into ranges (<c>pages 143..158</c>).</summary>
    internal static string Describe(FrozenFileHeader header, IReadOnlyList<FrozenFileProblem> problems)
    {
        var pages = problems.Where(p => p.Page is not null).Select(p => p.Page!.Value).Distinct().Order().ToList();
        var parts = new List<string>();
        if (pages.Count > 0)
        {
            var ranges = new List<string>();
            var start = pages[0];
            var end = pages[0];
            foreach (var p in pages.Skip(1).Append(long.MinValue))
            {
                if (p == end + 1)
                {
                    end = p;
                    continue;
                }

                ranges.Add(start == end ? $"{start}" : $"{start}..{end}");
                start = end = p;
            }

            parts.Add($"{(pages.Count == 1 ? "page" : "pages")} {string.Join(", ", ranges)} failed verification ({pages.Count} bad)");
        }

        var others = problems.Where(p => p.Page is null).ToList();
        if (others.Count > 0)
        {
            parts.Add(header.Type == FrozenFileType.Log ? $"log generation {header.Generation} failed verification" : "failed verification");
        }

        var causes = problems.Take(4).Select(p => p.Page is { } pg ? $"page {pg} at offset {p.Offset}: {p.Cause}" : $"offset {p.Offset}: {p.Cause}");
        return $"{string.Join("; ", parts)}: {string.Join("; ", causes)}{(problems.Count > 4 ? $"; and {problems.Count - 4} more" : "")}";
    }

    private static ManifestDatabase ToManifestDatabase(FrozenPlannedFile file) => new()
    {
        Path = file.SetPath,
        PageSize = file.Header.PageSize,
        State = file.Header.State,
        LogSignature = file.Header.LogSignature,
        RequiredLogLow = file.Header.RequiredLogLow,
        RequiredLogHigh = file.Header.RequiredLogHigh,
    };

    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsControl(c) || "\\/:*?\"<>|".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray();
        var safe = new string(chars).Trim().TrimEnd('.');
        return safe.Length == 0 || safe is "." or ".." ? "component" : safe;
    }
}
