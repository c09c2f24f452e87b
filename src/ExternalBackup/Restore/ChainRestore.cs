using System.Text.Json;
using ExternalBackup.Formats.Log;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Telemetry;

namespace ExternalBackup.Restore;

/// <summary>
/// Verifies the sets of any destination (<see cref="IBackupRepository"/>) and restores a chain from it into a target
/// folder ready for ESE recovery: files placed by kind (<see cref="RestoreLayout"/>) and a <see cref="RestorePlan"/>
/// (<c>restore.json</c>). Every file's length and SHA-256 are checked against its manifest while copying. A restore
/// is written into a staging folder beside the target and renamed into place only when every file is on the disk:
/// a failed or killed restore leaves the target as it was, and the retry starts afresh.
/// </summary>
public static class ChainRestore
{
    /// <summary>Checks every set of <paramref name="backupFolder"/> (a folder destination); see <see cref="VerifyAsync(IBackupRepository, string?, RestoreOptions?, CancellationToken)"/>.</summary>
    /// <returns>The problems found; empty when every set is intact.</returns>
    public static async Task<IReadOnlyList<string>> VerifyAsync(string backupFolder, string? setId, CancellationToken cancellationToken)
    {
        await using var repository = new DirectoryRepository(backupFolder);
        var result = await VerifyAsync(repository, setId, null, cancellationToken).ConfigureAwait(false);
        return [.. result.AllProblems];
    }

    /// <summary>Checks every set (or the chain of <paramref name="setId"/>); see <see cref="VerifyAsync(IBackupRepository, string?, RestoreOptions?, IProgress{VerificationProgress}?, CancellationToken)"/>.</summary>
    public static Task<RepositoryVerification> VerifyAsync(IBackupRepository repository, string? setId, RestoreOptions? options, CancellationToken cancellationToken) =>
        VerifyAsync(repository, setId, options, null, cancellationToken);

    /// <summary>
    /// Checks every set (or the chain of <paramref name="setId"/>): that there is one, that its chain reaches back to
    /// a full set without a gap, that its manifest names the folder that holds it, and that every file is there, of
    /// its size and SHA-256, and passes page, log or checkpoint verification. Files are read where the manifest is.
    /// <paramref name="progress"/> hears of every file begun and every buffer checked, the bytes only ever going up.
    /// </summary>
    public static async Task<RepositoryVerification> VerifyAsync(IBackupRepository repository, string? setId, RestoreOptions? options, IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        options ??= new RestoreOptions();
        var result = await VerifyCoreAsync(repository, setId, options, progress, cancellationToken).ConfigureAwait(false);
        if (result.Ok)
        {
            RestoreEvents.VerificationPassed(options.Logger, repository.Location, result.Sets.Count);
        }
        else
        {
            RestoreEvents.VerificationFailed(options.Logger, repository.Location, result.AllProblems.Count(), result.Sets.Count, result.AllProblems.FirstOrDefault() ?? "nothing to verify");
        }

        return result;
    }

    private static async Task<RepositoryVerification> VerifyCoreAsync(IBackupRepository repository, string? setId, RestoreOptions options, IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredSet> sets;
        try
        {
            sets = await repository.ListSetsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            return new RepositoryVerification(repository.Location, [], [e.Message]);
        }

        if (sets.Count == 0)
        {
            return new RepositoryVerification(repository.Location, [], [$"{repository.Location} holds no committed backup set: nothing to verify"]);
        }

        var scope = sets;
        var problems = new List<string>();
        if (setId is not null)
        {
            var target = sets.LastOrDefault(s => s.Manifest.SetId == setId || s.Name == setId);
            if (target is null)
            {
                return new RepositoryVerification(repository.Location, [], [$"no committed set named '{setId}' in {repository.Location}"]);
            }

            var index = IndexOf(sets, target);
            var chain = TryResolve(sets, index, out _);
            scope = chain is null ? [target] : [.. sets.Take(index + 1).Where(s => chain.Sets.Any(m => ReferenceEquals(m, s.Manifest)))];
        }

        var results = new List<SetVerification>();
        var filesTotal = scope.Sum(s => s.Manifest.Files.Count);
        var bytesTotal = scope.Sum(s => s.Manifest.Files.Sum(f => f.Bytes));
        RestoreEvents.VerificationStarted(options.Logger, repository.Location, scope.Count, filesTotal, bytesTotal);
        var setsDone = 0;
        var tally = new ReadBackTally((files, bytes, current) => progress?.Report(new VerificationProgress(setsDone, scope.Count, files, filesTotal, bytes, bytesTotal, current)));
        foreach (var set in scope)
        {
            var setProblems = new List<string>();
            if (!set.NameMatchesManifest)
            {
                setProblems.Add($"{set.Describe()}: the manifest does not belong to the folder that holds it (a copied or renamed set)");
            }

            _ = TryResolve(sets, IndexOf(sets, set), out var chainProblem);
            if (chainProblem is not null)
            {
                setProblems.Add($"{set.Describe()}: its chain is not complete: {chainProblem}");
            }

            var found = new List<string>[set.Manifest.Files.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, set.Manifest.Files.Count).OrderByDescending(i => set.Manifest.Files[i].Bytes),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelFiles, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var file = set.Manifest.Files[i];
                    tally.Started($"{set.Name}: {file.Path}");
                    found[i] = [.. await StoredFileCheck.RunAsync(repository, set, file, null, options.VerifyContent, ct, onRead: tally.Read).ConfigureAwait(false)];
                    tally.Completed();
                    LogChecked(options.Logger, set, file, found[i]);
                }).ConfigureAwait(false);
            setProblems.AddRange(found.SelectMany(f => f));
            results.Add(new SetVerification(set.Name, set.Manifest.SetId, set.Manifest.Kind.Name(), set.Manifest.Files.Count, set.Manifest.Files.Sum(f => f.Bytes), setProblems));
            setsDone++;
        }

        tally.Again();

        return new RepositoryVerification(repository.Location, results, problems);
    }

    /// <summary>Restores from a folder destination; see <see cref="RestoreAsync(IBackupRepository, string, string?, RestoreOptions?, CancellationToken)"/>.</summary>
    public static async Task<RestorePlan> RestoreAsync(string backupFolder, string target, string? setId, CancellationToken cancellationToken)
    {
        await using var repository = new DirectoryRepository(backupFolder);
        return await RestoreAsync(repository, target, setId, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Restores the chain ending with <paramref name="setId"/>; see <see cref="RestoreAsync(IBackupRepository, string, string?, RestoreOptions?, IProgress{RestoreProgress}?, CancellationToken)"/>.</summary>
    public static Task<RestorePlan> RestoreAsync(IBackupRepository repository, string target, string? setId, RestoreOptions? options, CancellationToken cancellationToken) =>
        RestoreAsync(repository, target, setId, options, null, cancellationToken);

    /// <summary>
    /// Restores the chain ending with <paramref name="setId"/> (the newest set when <see langword="null"/>) into
    /// <paramref name="target"/>, which must be empty or absent. <paramref name="progress"/> hears of every file begun
    /// and every buffer written, the bytes only ever going up, then of the commit and the end.
    /// </summary>
    /// <exception cref="InvalidDataException">Nothing to restore, the chain has a gap or no full set, or a file is missing or does not match its manifest (named).</exception>
    /// <exception cref="IOException">The target is not empty, or writing failed.</exception>
    public static async Task<RestorePlan> RestoreAsync(IBackupRepository repository, string target, string? setId, RestoreOptions? options, IProgress<RestoreProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        options ??= new RestoreOptions();
        try
        {
            return await RestoreCoreAsync(repository, target, setId, options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LogFailure(options.Logger, target, e))
        {
            throw;
        }
    }

    private static async Task<RestorePlan> RestoreCoreAsync(IBackupRepository repository, string target, string? setId, RestoreOptions options, IProgress<RestoreProgress>? progress, CancellationToken cancellationToken)
    {
        using var span = OperationSpan.Restore(setId, options.TimeProvider);
        IReadOnlyList<StoredSet> sets;
        try
        {
            sets = await repository.ListSetsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (sets.Count == 0)
        {
            throw new InvalidDataException($"{repository.Location} holds no committed backup set");
        }

        var targetIndex = setId is null ? sets.Count - 1 : IndexOfId(sets, setId, repository.Location);
        var chain = TryResolve(sets, targetIndex, out var chainProblem) ?? throw new InvalidDataException(chainProblem!);
        var stored = new Dictionary<object, StoredSet>(ReferenceEqualityComparer.Instance);
        foreach (var set in sets.Take(targetIndex + 1))
        {
            stored[set.Manifest] = set;
        }

        foreach (var set in chain.Sets.Select(m => stored[m]))
        {
            if (!set.NameMatchesManifest)
            {
                throw new InvalidDataException($"{set.Describe()}: the manifest does not belong to the folder that holds it (a copied or renamed set); refusing to restore from it");
            }
        }

        var full = stored[chain.Full];
        var work = new List<(StoredSet Set, ManifestFile File, string Path)>();
        work.AddRange(chain.Full.Files.Where(f => f.Kind == BackupFileKind.Database).Select(f => (full, f, RestoreLayout.TargetPath(f))));
        work.AddRange(chain.Logs.Select(l => (stored[l.Set], l.File, RestoreLayout.TargetPath(l.File))));
        work.AddRange(chain.Full.Files.Where(f => f.Kind is BackupFileKind.Checkpoint or BackupFileKind.Other).Select(f => (full, f, RestoreLayout.TargetPath(f))));
        // A later set's documents (its own Backup Components Document) go below documents/<set id>/.
        work.AddRange(chain.Sets.Where(m => !ReferenceEquals(m, chain.Full)).SelectMany(m => m.Files.Where(f => f.Kind == BackupFileKind.Other)
            .Select(f => (stored[m], f, $"{RestoreLayout.DocumentFolder}/{m.SetId}/{BelowDocuments(RestoreLayout.TargetPath(f))}"))));
        var collision = work.GroupBy(w => w.Path, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (collision is not null)
        {
            throw new InvalidDataException($"{string.Join(" and ", collision.Select(c => $"{c.Set.Describe()}: '{c.File.Path}'"))} would both be restored as '{collision.Key}'");
        }

        target = Path.GetFullPath(target);
        var chainNames = string.Join(" + ", chain.Sets.Select(m => m.SetId));
        var bytesTotal = work.Sum(w => w.File.Bytes);
        RestoreEvents.Started(options.Logger, chainNames, repository.Location, target, work.Count, bytesTotal);
        var phase = RestorePhase.Copying;
        var tally = new ReadBackTally((files, bytes, current) => progress?.Report(new RestoreProgress(phase, files, work.Count, bytes, bytesTotal, current)));
        var staging = RestoreStaging.Prepare(target);
        var wholeFileSystem = RestoreStaging.SyncsWholeFileSystem(staging);
        try
        {
            var problems = new List<string>[work.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, work.Count).OrderByDescending(i => work[i].File.Bytes),
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelFiles, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var (set, file, path) = work[i];
                    tally.Started($"{set.Name}: {file.Path}");
                    problems[i] = [.. await StoredFileCheck.RunAsync(repository, set, file, Inside(staging, path), options.VerifyContentOnRestore, ct, flushCopy: !wholeFileSystem, onRead: tally.Read).ConfigureAwait(false)];
                    tally.Completed();
                    if (problems[i].Count == 0)
                    {
                        RestoreEvents.FileRestored(options.Logger, set.Name, file.Path, Path.Combine(target, path.Replace('/', Path.DirectorySeparatorChar)), file.Bytes, file.Sha256);
                    }
                }).ConfigureAwait(false);
            var all = problems.SelectMany(p => p).ToList();
            if (all.Count > 0)
            {
                throw new InvalidDataException(all.Count == 1 ? all[0] : $"{all[0]} (and {all.Count - 1} more problems)");
            }

            var plan = Plan(chain, work, full, target);
            foreach (var stream in plan.LogStreams.Select(l => l.LogFolder).Append(plan.LogFolder))
            {
                // Every stream's log folder exists, with or without logs: the engine's recovery writes its logs there.
                Directory.CreateDirectory(Path.Combine(staging, Path.GetRelativePath(target, stream)));
            }
            await using (var stream = new FileStream(Path.Combine(staging, RestorePlan.FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(plan, ManifestJson.Options), cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            phase = RestorePhase.Committing;
            tally.Again();
            RestoreStaging.Commit(staging, target, wholeFileSystem);
            RestoreEvents.Renamed(options.Logger, staging, target);
            RestoreEvents.Succeeded(options.Logger, chainNames, target, plan.Databases.Count, plan.GenLow, plan.GenHigh);
            span.Succeeded(plan, work.Select(w => w.File));
            phase = RestorePhase.Completed;
            tally.Again();
            return plan;
        }
        catch (Exception e)
        {
            span.Failed(e);
            RestoreStaging.Discard(staging);
            throw;
        }
    }

    private static RestorePlan Plan(BackupChain chain, List<(StoredSet Set, ManifestFile File, string Path)> work, StoredSet full, string target)
    {
        string Local(string path) => Path.Combine(target, path.Replace('/', Path.DirectorySeparatorChar));
        static string FolderOf(string path) => path[..path.LastIndexOf('/')];
        var databases = work.Where(w => w.File.Kind == BackupFileKind.Database).Select(w => (w.Path, Restored: new RestoredDatabase(
            w.File.SourcePath ?? w.File.Path,
            Local(w.Path),
            w.File.Sha256,
            chain.Full.Databases.FirstOrDefault(d => d.Path == w.File.Path)?.HasTrailerPage ?? chain.Full.Source != "snapshot"))).ToList();
        var logs = work.Where(w => w.File.Kind == BackupFileKind.Log).ToList();
        var checkpoints = work.Where(w => w.File.Kind == BackupFileKind.Checkpoint).Select(w => w.Path).ToList();

        // One stream per component: its logs' folder (logs/<component>), or its checkpoint's when it has no log.
        var components = logs.Select(w => RestoreLayout.ComponentOf(FolderOf(w.Path)))
            .Concat(checkpoints.Select(c => RestoreLayout.ComponentOf(FolderOf(c))))
            .Distinct().OrderBy(c => c, StringComparer.Ordinal).DefaultIfEmpty(null).ToList();
        var several = components.Count > 1;
        var streams = components.Select(component =>
        {
            string Role(string role) => component is null ? role : $"{role}/{component}";
            var streamLogs = logs.Where(w => FolderOf(w.Path) == Role(RestoreLayout.LogFolder)).Select(w => w.File).ToList();
            var checkpoint = checkpoints.FirstOrDefault(c => FolderOf(c) == Role(RestoreLayout.CheckpointFolder));
            var baseName = (several ? null : chain.Sets[^1].LogBaseName ?? chain.Full.LogBaseName)
                ?? streamLogs.Select(l => LogFileName.TryParse(l.Path.Split('/')[^1])?.BaseName).FirstOrDefault(b => b is not null)
                ?? (checkpoint is null ? null : Path.GetFileNameWithoutExtension(checkpoint));
            return new RestoredLogStream
            {
                Component = component,
                LogFolder = Local(Role(RestoreLayout.LogFolder)),
                LogBaseName = baseName,
                GenLow = streamLogs.Count == 0 ? null : streamLogs.Min(l => l.Generation),
                GenHigh = streamLogs.Count == 0 ? null : streamLogs.Max(l => l.Generation),
                CheckpointPath = checkpoint is null ? null : Local(checkpoint),
                CheckpointFolder = checkpoint is null ? null : Path.GetDirectoryName(Local(checkpoint)),
                // A set of one component recovers every database with its one stream; with several, each its component's.
                Databases = [.. databases.Where(d => !several || d.Path.StartsWith(Role(RestoreLayout.DatabaseFolder) + "/", StringComparison.Ordinal)).Select(d => d.Restored)],
            };
        }).ToList();
        var only = streams.Count == 1 ? streams[0] : null;
        return new RestorePlan
        {
            Sets = [.. chain.Sets.Select(s => s.SetId)],
            Kinds = [.. chain.Sets.Select(s => s.Kind.Name())],
            Instance = chain.Full.Instance,
            Source = full.Manifest.Source,
            LogFolder = only?.LogFolder ?? Local(RestoreLayout.LogFolder),
            LogBaseName = only?.LogBaseName,
            GenLow = only?.GenLow,
            GenHigh = only?.GenHigh,
            CheckpointPath = only?.CheckpointPath,
            CheckpointFolder = only?.CheckpointFolder,
            Databases = [.. databases.Select(d => d.Restored)],
            LogStreams = streams,
            Documents = [.. work.Where(w => w.File.Kind == BackupFileKind.Other && !IsComponentFile(w.Path)).Select(w => Local(w.Path))],
            ComponentFiles = [.. work.Where(w => w.File.Kind == BackupFileKind.Other && IsComponentFile(w.Path)).Select(w => Local(w.Path))],
        };
    }

    private static string BelowDocuments(string targetPath) =>
        targetPath.StartsWith(RestoreLayout.DocumentFolder + "/", StringComparison.Ordinal) ? targetPath[(RestoreLayout.DocumentFolder.Length + 1)..] : targetPath;

    private static bool IsComponentFile(string targetPath) => targetPath.StartsWith(RestoreLayout.ComponentFileFolder + "/", StringComparison.Ordinal);

    private static void LogChecked(Microsoft.Extensions.Logging.ILogger logger, StoredSet set, ManifestFile file, List<string> problems)
    {
        if (problems.Count == 0)
        {
            RestoreEvents.FileVerified(logger, set.Name, file.Path, file.Bytes, file.Sha256);
        }

        foreach (var problem in problems)
        {
            RestoreEvents.FileDamaged(logger, problem);
        }
    }

    /// <summary>Logs a failed restore (an exception filter: never catches).</summary>
    private static bool LogFailure(Microsoft.Extensions.Logging.ILogger logger, string target, Exception e)
    {
        RestoreEvents.Failed(logger, target, e is OperationCanceledException ? "cancelled" : e.Message);
        return false;
    }

    private static BackupChain? TryResolve(IReadOnlyList<StoredSet> sets, int index, out string? problem)
    {
        try
        {
            // The target is the last set given: a copied set with the same id as another resolves as itself.
            problem = null;
            return BackupChain.Resolve([.. sets.Take(index + 1).Select(s => s.Manifest)]);
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static int IndexOf(IReadOnlyList<StoredSet> sets, StoredSet set)
    {
        for (var i = 0; i < sets.Count; i++)
        {
            if (ReferenceEquals(sets[i], set))
            {
                return i;
            }
        }

        throw new ArgumentException("set not listed", nameof(set));
    }

    private static int IndexOfId(IReadOnlyList<StoredSet> sets, string setId, string location)
    {
        for (var i = sets.Count - 1; i >= 0; i--)
        {
            if (sets[i].Manifest.SetId == setId && sets[i].NameMatchesManifest)
            {
                return i;
            }
        }

        for (var i = sets.Count - 1; i >= 0; i--)
        {
            if (sets[i].Name == setId || sets[i].Manifest.SetId == setId)
            {
                return i;
            }
        }

        throw new InvalidDataException($"no committed set named '{setId}' in {location}");
    }

    private static string Inside(string root, string setPath)
    {
        Sinks.SetPath.Validate(setPath);
        var full = Path.GetFullPath(Path.Combine(root, setPath.Replace('/', Path.DirectorySeparatorChar)));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new InvalidDataException($"'{setPath}' would be written outside the restore target");
    }
}
