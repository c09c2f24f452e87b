using System.Security.Cryptography;
using System.Threading.Channels;
using ExternalBackup.Buffers;
using ExternalBackup.Chains;
using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Runs ESE's external backup sequence for one instance into a sink:
/// <c>JetBeginExternalBackupInstance</c>, <c>JetGetAttachInfoInstance</c>, for each database
/// <c>JetOpenFileInstance</c>/<c>JetReadFileInstance</c>/<c>JetCloseFileInstance</c>, <c>JetGetLogInfoInstance2</c>,
/// the same for each log, the sink's commit, <c>JetTruncateLogInstance</c> (full and incremental only), and
/// <c>JetEndExternalBackupInstance2</c>.
/// <para>
/// Reading, hashing and writing overlap: a reader fills pooled, page-aligned buffers (and verifies them) while, through a
/// bounded queue, the sink writes the previous ones and a hashing lane computes each file's SHA-256 on another core,
/// neither waiting for the other. Logs are truncated only after the sink has durably
/// committed the set. Any failure or cancellation ends the engine's backup with abort, aborts the sink and
/// truncates nothing.
/// </para>
/// </summary>
public sealed class StreamingBackup
{
    private readonly IExternalBackupEngine _engine;
    private readonly IBackupSink _sink;
    private readonly StreamingBackupOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a backup of <paramref name="engine"/>'s instance into <paramref name="sink"/>.</summary>
    public StreamingBackup(IExternalBackupEngine engine, IBackupSink sink, StreamingBackupOptions? options = null, ILogger<StreamingBackup>? logger = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _options = options ?? new StreamingBackupOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs one backup of the given kind.</summary>
    /// <exception cref="EseException">An engine call failed; the engine's backup was ended with abort.</exception>
    /// <exception cref="BackupVerificationException">A file failed verification; nothing was committed or truncated.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the engine's backup was ended with abort.</exception>
    public async Task<BackupResult> RunAsync(BackupKind kind, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var run = new Run(this, kind, progress);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Run(StreamingBackup owner, BackupKind kind, IProgress<BackupProgress>? progress)
    {
        private readonly IExternalBackupEngine _engine = owner._engine;
        private readonly IBackupSink _sink = owner._sink;
        private readonly StreamingBackupOptions _options = owner._options;
        private readonly ILogger _logger = owner._logger;
        private readonly StreamIdentityReader _verifier = new(owner._options.CreateVerifier?.Invoke());
        private readonly List<ManifestFile> _files = [];
        private readonly List<ManifestDatabase> _databases = [];
        private BackupPhase _phase = BackupPhase.Starting;
        private int _filesKnown;
        private long _bytesKnown;
        private long _bytesDone;
        private uint _lastPercent = uint.MaxValue;

        public async Task<BackupResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            var started = _options.TimeProvider.GetUtcNow();
            var set = new BackupSetDescriptor(_options.SetId ?? SetName(started, kind), kind, started, _engine.InstanceName);
            // The chain rule: refused here, before the engine's backup begins, when no base can be in the destination.
            var chain = await ChainPlanner.OpenAsync(_sink, kind, set.Instance, _options.AllowOrphan, cancellationToken).ConfigureAwait(false);
            _verifier.LogSignatureSeen = chain.ContinueWith;
            var begun = false;
            var sinkBegun = false;
            var committed = false;
            Status(JetSnt.Begin, 0);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                _engine.BeginExternalBackup(kind.CopiesDatabases() ? BackupGrbits.None : BackupGrbits.Incremental);
                begun = true;
                _logger.LogInformation("Backup {SetId} of {Instance} began ({Kind}, engine {Engine})", set.SetId, set.Instance, kind.Name(), _engine.Description);

                sinkBegun = true;
                await _sink.BeginSetAsync(set, cancellationToken).ConfigureAwait(false);

                using var pool = new AlignedBufferPool(_options.ChunkSize, _options.QueueDepth + 2);
                if (kind.CopiesDatabases())
                {
                    _phase = BackupPhase.Databases;
                    var databases = _engine.GetAttachInfo();
                    var paths = SetLayout.DatabasePaths(databases);
                    _filesKnown = databases.Count;
                    for (var i = 0; i < databases.Count; i++)
                    {
                        await CopyFileAsync(pool, databases[i], paths[i], BackupFileKind.Database, null, cancellationToken).ConfigureAwait(false);
                    }
                }

                _phase = BackupPhase.Logs;
                var logInfo = _engine.GetLogInfo();
                chain.ContinueWith(logInfo.Files.Count == 0 ? null : new LogGenerationRange(logInfo.Info.GenLow, logInfo.Info.GenHigh));
                var logs = PlanLogs(logInfo, chain.Base);
                _filesKnown += logs.Count;
                foreach (var (source, path, generation) in logs)
                {
                    await CopyFileAsync(pool, source, path, BackupFileKind.Log, generation, cancellationToken).ConfigureAwait(false);
                }

                _phase = BackupPhase.Committing;
                Report(null);
                cancellationToken.ThrowIfCancellationRequested();
                var manifest = new BackupManifest
                {
                    SetId = set.SetId,
                    Kind = kind,
                    StartedUtc = started,
                    CompletedUtc = _options.TimeProvider.GetUtcNow(),
                    Instance = set.Instance,
                    Source = _engine.Description,
                    LogGenerations = logs.Count == 0 ? null : new LogGenerationRange(logInfo.Info.GenLow, logInfo.Info.GenHigh),
                    LogBaseName = logInfo.Info.BaseName,
                    TruncatesLogs = kind.TruncatesLogs(),
                    Extends = chain.Reference,
                    Identity = _verifier.Identity(set.Instance),
                    Files = _files,
                    Databases = _databases,
                };
                await _sink.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
                committed = true;
                _logger.LogInformation("Backup {SetId} committed: {Files} files, {Bytes} bytes, logs {Low}..{High}", set.SetId, _files.Count, _bytesDone, logInfo.Info.GenLow, logInfo.Info.GenHigh);

                // Data first: logs are truncated only now that the set is durable in the sink.
                var truncated = false;
                if (kind.TruncatesLogs())
                {
                    _phase = BackupPhase.Truncating;
                    Report(null);
                    try
                    {
                        _engine.TruncateLog();
                    }
                    catch (EseException e)
                    {
                        throw new LogTruncationException(manifest, e);
                    }

                    truncated = true;
                }

                _engine.EndExternalBackup(EndBackupGrbits.Normal);
                begun = false;
                _phase = BackupPhase.Completed;
                Report(null);
                Status(JetSnt.Complete, 100);
                return new BackupResult(manifest, truncated);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Backup {SetId} failed in phase {Phase}{Committed}", set.SetId, _phase, committed ? " after the set was committed; it is kept, logs were not truncated" : "; nothing was committed or truncated");
                if (begun)
                {
                    EndWithAbort();
                }

                if (sinkBegun && !committed)
                {
                    await AbortSinkAsync().ConfigureAwait(false);
                }

                Status(JetSnt.Fail, 0);
                throw;
            }
        }

        private List<(string Source, string Path, long Generation)> PlanLogs(BackupLogInfo logInfo, BackupManifest? extends)
        {
            var info = logInfo.Info;
            var plan = new List<(string, string, long)>(logInfo.Files.Count);
            long expected = info.GenLow;
            foreach (var file in logInfo.Files)
            {
                var (path, generation) = SetLayout.LogPath(file, info.BaseName);
                if (generation != expected)
                {
                    throw new InvalidDataException($"the engine listed log '{file}' (generation {generation}) where generation {expected} was expected in {info.GenLow}..{info.GenHigh}");
                }

                plan.Add((file, path, generation));
                expected++;
            }

            if (plan.Count > 0 && expected - 1 != info.GenHigh)
            {
                throw new InvalidDataException($"the engine reported logs {info.GenLow}..{info.GenHigh} but listed {plan.Count} files ending at generation {expected - 1}");
            }

            if (extends?.LogGenerations is { } previous && plan.Count > 0 && info.GenLow > previous.High + 1)
            {
                throw new InvalidDataException($"logs {previous.High + 1}..{info.GenLow - 1} are missing: set '{extends.SetId}' ends at generation {previous.High} and the engine's logs start at {info.GenLow}");
            }

            return plan;
        }

        private async Task CopyFileAsync(AlignedBufferPool pool, string source, string path, BackupFileKind fileKind, long? generation, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var handle = _engine.OpenFile(source);
            var open = true;
            try
            {
                var descriptor = new BackupFileDescriptor(path, fileKind, handle.Size, source);
                _bytesKnown += handle.Size;
                Report(source);
                await _sink.OpenFileAsync(descriptor, cancellationToken).ConfigureAwait(false);
                var check = _verifier?.Begin(descriptor);

                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var queue = Channel.CreateBounded<(AlignedBuffer Buffer, int Count, long Offset)>(
                    new BoundedChannelOptions(_options.QueueDepth) { SingleReader = true, SingleWriter = true });
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                // The engine's reads block, so the reader gets a thread of its own instead of holding a pool thread
                // the writes and hashing need (with 2 cores the pool starts with 2 threads).
                var reader = Task.Factory.StartNew(
                    () => ReadAll(pool, handle, source, check, queue.Writer, linked.Token),
                    linked.Token,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);

                // Two lanes take each chunk: SHA-256 on a task of its own (in order) and the sink write here, so the
                // device never waits for hashing and hashing never waits for the device; a chunk's buffer returns to
                // the pool when both are done with it. The pool bounds how far either lane runs ahead.
                var toHash = Channel.CreateUnbounded<ChunkLease>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                var hasher = Task.Run(() => HashAllAsync(toHash.Reader, hash, pool, linked), CancellationToken.None);
                long written = 0;
                try
                {
                    await foreach (var (buffer, count, offset) in queue.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
                    {
                        var lease = new ChunkLease(buffer, count);
                        if (!toHash.Writer.TryWrite(lease))
                        {
                            pool.Return(buffer);
                            throw new InvalidOperationException("the hashing lane closed before the file ended");
                        }

                        try
                        {
                            await _sink.WriteAsync(new BackupChunk(offset, buffer.Memory[..count]), linked.Token).ConfigureAwait(false);
                        }
                        finally
                        {
                            lease.Release(pool);
                        }

                        written += count;
                        _bytesDone += count;
                        Report(source);
                    }

                    toHash.Writer.Complete();
                    await hasher.ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    toHash.Writer.TryComplete();
                    await linked.CancelAsync().ConfigureAwait(false);
                    await DrainAsync(reader, queue.Reader, pool).ConfigureAwait(false);
                    var hashFailure = await DrainHashingAsync(hasher, toHash.Reader, pool).ConfigureAwait(false);
                    if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested && hashFailure is not null)
                    {
                        // The hashing lane failed and stopped the others: its error is the cause.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(hashFailure);
                    }

                    throw;
                }

                var length = await reader.ConfigureAwait(false);
                _engine.CloseFile(handle);
                open = false;

                if (length != written || length != handle.Size)
                {
                    throw new InvalidDataException($"'{source}': the engine announced {handle.Size} bytes at open but streamed {length}");
                }

                var facts = check?.Complete(length);
                var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                await _sink.CompleteFileAsync(new CompletedFile(descriptor, length, sha256), cancellationToken).ConfigureAwait(false);
                _files.Add(new ManifestFile
                {
                    Path = path,
                    Kind = fileKind,
                    Bytes = length,
                    Sha256 = sha256,
                    SourcePath = source,
                    Generation = generation ?? facts?.LogGeneration,
                });
                if (facts?.Database is { } database)
                {
                    _databases.Add(database with { Path = path });
                }

                _logger.LogDebug("Copied {Source} to {Path}: {Bytes} bytes, sha256 {Sha256}", source, path, length, sha256);
            }
            finally
            {
                if (open)
                {
                    TryClose(handle);
                }
            }
        }

        private long ReadAll(
            AlignedBufferPool pool,
            BackupFileHandle handle,
            string source,
            IFileStreamCheck? check,
            ChannelWriter<(AlignedBuffer, int, long)> queue,
            CancellationToken cancellationToken)
        {
            long offset = 0;
            try
            {
                while (true)
                {
                    var buffer = pool.Rent(cancellationToken);
                    int count;
                    try
                    {
                        // Engine reads are not retried: ESE retries its own I/O, and -1018 is corruption, not a transient fault.
                        count = _engine.ReadFile(handle, buffer.GetSpan());
                        if (count < 0 || count > buffer.Length)
                        {
                            throw new InvalidDataException($"'{source}': the engine returned {count} bytes for a {buffer.Length}-byte read at offset {offset}");
                        }

                        if (count == 0)
                        {
                            pool.Return(buffer);
                            break;
                        }

                        if (offset + count > handle.Size)
                        {
                            throw new InvalidDataException($"'{source}': the engine streamed past the {handle.Size} bytes it announced (offset {offset + count})");
                        }

                        var data = buffer.Memory.Span[..count];
                        check?.Append(data, offset);
                        if (!queue.TryWrite((buffer, count, offset)))
                        {
                            queue.WriteAsync((buffer, count, offset), cancellationToken).AsTask().GetAwaiter().GetResult();
                        }
                    }
                    catch
                    {
                        pool.Return(buffer);
                        throw;
                    }

                    offset += count;
                }

                queue.Complete();
                return offset;
            }
            catch (Exception e)
            {
                queue.TryComplete(e);
                throw;
            }
        }

        private static async Task HashAllAsync(ChannelReader<ChunkLease> chunks, IncrementalHash hash, AlignedBufferPool pool, CancellationTokenSource lanes)
        {
            try
            {
                await foreach (var lease in chunks.ReadAllAsync(lanes.Token).ConfigureAwait(false))
                {
                    try
                    {
                        hash.AppendData(lease.Buffer.GetSpan()[..lease.Count]);
                    }
                    finally
                    {
                        lease.Release(pool);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Stop the reader and the writer too: with this lane gone, the buffers it would have released never
                // come back, and they would wait for them forever.
                await lanes.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Waits for the hashing lane to stop and releases what it left; returns its failure, if it failed.</summary>
        private static async Task<Exception?> DrainHashingAsync(Task hasher, ChannelReader<ChunkLease> chunks, AlignedBufferPool pool)
        {
            Exception? failure = null;
            try
            {
                await hasher.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cancelled with the rest of the file; the caller reports the first error.
            }
            catch (Exception e)
            {
                failure = e;
            }

            while (chunks.TryRead(out var lease))
            {
                lease.Release(pool);
            }

            return failure;
        }

        private static async Task DrainAsync(Task<long> reader, ChannelReader<(AlignedBuffer Buffer, int Count, long Offset)> queue, AlignedBufferPool pool)
        {
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The reader's own failure or cancellation; the caller reports the first error.
            }

            while (queue.TryRead(out var item))
            {
                pool.Return(item.Buffer);
            }
        }

        private void TryClose(BackupFileHandle handle)
        {
            try
            {
                _engine.CloseFile(handle);
            }
            catch (EseException e)
            {
                _logger.LogWarning(e, "Closing a backup file after a failure also failed");
            }
        }

        private void EndWithAbort()
        {
            try
            {
                _engine.EndExternalBackup(EndBackupGrbits.Abort);
            }
            catch (EseException e)
            {
                _logger.LogWarning(e, "JetEndExternalBackupInstance2(Abort) failed after the backup failed");
            }
        }

        private async Task AbortSinkAsync()
        {
            try
            {
                await _sink.AbortAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "The sink could not discard the failed set");
            }
        }

        private void Report(string? currentFile)
        {
            var report = new BackupProgress(_phase, _files.Count, _filesKnown, _bytesDone, _bytesKnown, currentFile);
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
            if (_options.StatusCallback is not { } callback)
            {
                return;
            }

            try
            {
                var answer = callback(JetSnp.Backup, snt, new JetSnProg(percent, 100));
                if (answer != JetError.Success)
                {
                    _logger.LogDebug("The status callback returned {Code}; like the engine, the backup ignores it", answer);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "The status callback threw; the backup goes on");
            }
        }

        private static string SetName(DateTimeOffset started, BackupKind kind) =>
            $"{started.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{kind.Name()}";

        /// <summary>A pooled chunk shared by the hashing and writing lanes; its buffer returns to the pool when both released it.</summary>
        private sealed class ChunkLease(AlignedBuffer buffer, int count)
        {
            private int _holders = 2;

            public AlignedBuffer Buffer { get; } = buffer;

            public int Count { get; } = count;

            public void Release(AlignedBufferPool pool)
            {
                if (Interlocked.Decrement(ref _holders) == 0)
                {
                    pool.Return(Buffer);
                }
            }
        }
    }
}
