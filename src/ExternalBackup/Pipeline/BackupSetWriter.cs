using ExternalBackup.Buffers;
using ExternalBackup.Chains;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sources;
using ExternalBackup.Telemetry;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Writes one set from any <see cref="IBackupSource"/> into a sink, the same way for every source: the set's name
/// (<see cref="SetName"/>), the extended set (<see cref="FindExtendedSetAsync"/>, the one place), the source's begin,
/// the sink's set, every database then every log, checkpoint and document through the one <see cref="FileCopier"/>,
/// the check that every database the source listed is in the set, the manifest (format 2, with counts and ECC
/// corrections), the sink's durable commit, and only then the source's after-commit step (truncation, telling the
/// writers). Any failure or cancellation before that step completed aborts the source and, unless committed, the sink.
/// </summary>
internal sealed class BackupSetWriter(IBackupSource source, IBackupSink sink, BackupSetWriterSettings settings)
{
    private readonly ILogger _logger = settings.Logger;
    private readonly StreamIdentityReader _identity = new(settings.Verifier);
    private BackupPhase _phase = BackupPhase.Starting;
    private int _filesKnown;
    private int _filesDone;
    private long _bytesKnown;
    private uint _lastPercent = uint.MaxValue;
    private FileCopier? _copier;

    /// <summary>Runs the backup; returns once the set is committed and the source's after-commit step ran.</summary>
    public async Task<BackupResult> RunAsync(BackupKind kind, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var started = settings.Time.GetUtcNow();
        var setId = settings.SetId ?? SetName.For(started, kind);
        SetName.Validate(setId, nameof(settings.SetId));
        using var span = OperationSpan.Backup(setId, kind, settings.Time);
        var (chain, extends) = await FindExtendedSetAsync(kind, cancellationToken).ConfigureAwait(false);
        if (chain is not null)
        {
            // The first log header read (declared by the source or seen in the stream) must be the base's log stream.
            _identity.LogSignatureSeen = chain.ContinueWith;
        }

        var begun = false;
        var sinkBegun = false;
        var committed = false;
        Status(JetSnt.Begin, 0);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            begun = true;
            await source.BeginAsync(kind, extends, cancellationToken).ConfigureAwait(false);
            chain?.KnowInstance(source.Instance);
            PipelineEvents.Began(_logger, setId, source.Instance, kind.Name(), source.Source, source.Producer);
            var set = new BackupSetDescriptor(setId, kind, started, source.Instance);
            sinkBegun = true;
            await sink.BeginSetAsync(set, cancellationToken).ConfigureAwait(false);

            using var pool = new AlignedBufferPool(settings.ChunkSize, settings.QueueDepth + 2);
            using var readLimit = settings.ReadBytesPerSecond == RateLimits.RateLimitDefaults.Unlimited ? null : new RateLimits.ByteRateLimiter(settings.ReadBytesPerSecond, settings.Time);
            var files = new List<ManifestFile>();
            var databases = new List<ManifestDatabase>();
            var corrections = new List<EccCorrection>();
            _copier = new FileCopier(sink, pool, settings.QueueDepth, _identity)
            {
                ReadLimit = readLimit,
                OnFileStarts = (file, length) =>
                {
                    _bytesKnown += length;
                    Report(progress, file.SourcePath);
                },
                OnChunk = f => Report(progress, f),
            };
            void Copied(CopiedFile copied) => Record(copied, files, databases, corrections);
            IReadOnlyList<SourceFile> listed = [];
            if (kind.CopiesDatabases())
            {
                _phase = BackupPhase.Databases;
                listed = await source.ListDatabasesAsync(cancellationToken).ConfigureAwait(false);
                _filesKnown = listed.Count;
                await _copier.CopyAllAsync(listed, source.Open, Copied, cancellationToken).ConfigureAwait(false);
            }

            _phase = BackupPhase.Logs;
            var logs = await source.ListLogsAsync(cancellationToken).ConfigureAwait(false);
            chain?.ContinueWith(logs.Generations);
            PipelineEvents.LogGenerations(_logger, setId, logs.Generations?.Low, logs.Generations?.High, logs.BaseName, logs.Files.Count);
            _filesKnown += logs.Files.Count;
            await _copier.CopyAllAsync(logs.Files, source.Open, Copied, cancellationToken).ConfigureAwait(false);

            RequireEveryListedDatabase(listed, files);
            _phase = BackupPhase.Committing;
            Report(progress, null);
            cancellationToken.ThrowIfCancellationRequested();
            var manifest = new BackupManifest
            {
                SetId = setId,
                Kind = kind,
                StartedUtc = started,
                CompletedUtc = settings.Time.GetUtcNow(),
                Instance = source.Instance,
                Source = source.Source,
                Producer = source.Producer,
                LogGenerations = logs.Generations,
                LogBaseName = logs.BaseName,
                TruncatesLogs = kind.TruncatesLogs() && source.Source != ManifestSources.FrozenFolder,
                Extends = chain is null ? extends : chain.Reference,
                Identity = _identity.Identity(source.Instance),
                Files = files,
                Databases = databases,
                Counts = SetCounts.Of(files) with { Excluded = logs.Excluded?.Count ?? 0 },
                EccCorrections = corrections,
                Excluded = logs.Excluded is { Count: > 0 } excluded ? excluded : null,
            };
            await sink.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
            committed = true;
            PipelineEvents.Committed(_logger, setId, manifest.Counts.Databases, manifest.Counts.Logs, manifest.Counts.Bytes);

            // Data first: the source truncates (or tells the writers they may) only now that the set is durable.
            _phase = BackupPhase.Truncating;
            Report(progress, null);
            var after = await source.AfterCommitAsync(manifest, cancellationToken).ConfigureAwait(false);
            begun = false;
            if (after.EndFailure is { } endFailure)
            {
                PipelineEvents.EndFailed(_logger, setId, after.LogsTruncated, endFailure);
            }

            PipelineEvents.Succeeded(_logger, setId, kind.Name(), manifest.Files.Count, manifest.Counts.Bytes, after.LogsTruncated, after.EndFailure is null);
            _phase = BackupPhase.Completed;
            Report(progress, null);
            Status(JetSnt.Complete, 100);
            span.Succeeded(manifest, after.LogsTruncated);
            return new BackupResult(manifest, after.LogsTruncated) { EndFailure = after.EndFailure };
        }
        catch (Exception e)
        {
            PipelineEvents.Failed(_logger, e, setId, _phase, committed, e.Message);
            if (sinkBegun && !committed)
            {
                await AbortSinkAsync(setId).ConfigureAwait(false);
            }

            if (begun)
            {
                await source.AbortAsync().ConfigureAwait(false);
            }

            Status(JetSnt.Fail, 0);
            span.Failed(e);
            throw;
        }
    }

    /// <summary>
    /// The one place the set an incremental or differential backup extends is found: the one the caller's own
    /// catalogue named, else the chain rule (<see cref="ChainPlanner"/>: same instance and log stream, contiguous
    /// generations) over the sink's committed sets, which refuses the backup here, before the source begins, when no
    /// base can be there, and later (before commit) once the instance, generations and log headers are known.
    /// </summary>
    private async Task<(ChainPlanner? Chain, SetReference? Extends)> FindExtendedSetAsync(BackupKind kind, CancellationToken cancellationToken)
    {
        if (kind.CopiesDatabases())
        {
            return (null, null);
        }

        if (settings.Extends is { } named)
        {
            return (null, named);
        }

        // A snapshot learns its instance (the writers' components) only when it begins.
        var instance = source.Instance;
        var known = instance.Length > 0;
        var chain = await ChainPlanner.OpenAsync(sink, kind, known ? instance : null, settings.AllowOrphan, cancellationToken).ConfigureAwait(false);
        // Without the instance the newest set could be another instance's: the source begins without a guess.
        return (chain, known ? chain.Reference : null);
    }

    private static void RequireEveryListedDatabase(IReadOnlyList<SourceFile> listed, List<ManifestFile> files)
    {
        var stored = files.Where(f => f.Kind == BackupFileKind.Database).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var missing = listed.Where(d => !stored.Contains(d.SetPath)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{missing[0].SourcePath}: listed as a database of the instance but not in the set{(missing.Count > 1 ? $" (nor {missing.Count - 1} more)" : string.Empty)}; nothing is committed or truncated");
        }
    }

    /// <summary>Records a file the copier completed in the sink (called on its write lane, in order).</summary>
    private void Record(CopiedFile copied, List<ManifestFile> files, List<ManifestDatabase> databases, List<EccCorrection> corrections)
    {
        files.Add(copied.File);
        _filesDone++;
        if (copied.Database is { } database)
        {
            databases.Add(database);
        }

        foreach (var correction in copied.Corrections)
        {
            PipelineEvents.EccCorrected(_logger, copied.Source.SourcePath, correction.Page, correction.Offset, correction.Bit);
            corrections.Add(correction);
        }

        PipelineEvents.FileCopied(_logger, copied.Source.SourcePath, copied.File.Path, copied.File.Bytes, copied.File.Sha256);
    }

    private async Task AbortSinkAsync(string setId)
    {
        try
        {
            await sink.AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            PipelineEvents.CleanupFailed(_logger, e, setId);
        }
    }

    private void Report(IProgress<BackupProgress>? progress, string? currentFile)
    {
        var report = new BackupProgress(_phase, _filesDone, _filesKnown, _copier?.BytesDone ?? 0, _bytesKnown, currentFile);
        progress?.Report(report);
        // The total grows as files are discovered; the callback only ever sees the percentage go up.
        var percent = (uint)report.Percent;
        if ((_lastPercent == uint.MaxValue || percent > _lastPercent) && _phase != BackupPhase.Completed)
        {
            _lastPercent = percent;
            Status(JetSnt.Progress, percent);
        }
    }

    private void Status(JetSnt snt, uint percent)
    {
        if (settings.StatusCallback is not { } callback)
        {
            return;
        }

        try
        {
            var answer = callback(JetSnp.Backup, snt, new JetSnProg(percent, 100));
            if (answer != JetError.Success)
            {
                PipelineEvents.StatusCallbackIgnored(_logger, answer);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            PipelineEvents.StatusCallbackThrew(_logger, e);
        }
    }
}
