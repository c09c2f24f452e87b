using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using ExternalBackup.Buffers;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sources;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Copies a run of files of any source into the sink through four lanes that live for the whole run, over pooled,
/// page-aligned buffers: one reader on a thread of its own (source reads block) opens, reads to the end and closes
/// each file in turn, then opens the next (the engine allows one open file, closed after its last read), and puts
/// "file starts", chunk and "file ends" items in one bounded queue; the verify lane (pages and log segments checked,
/// ECC-correctable bits corrected, before anything of the chunk is stored) decides each file at its end
/// (<see cref="FileVerdict"/>); the hashing lane (SHA-256 in order) and the sink write neither wait for the other, and
/// the write lane opens, writes and completes the sink's files one at a time, in order, completing a file once its
/// digest is known. So file N's verdict, hash and sink write can still be in flight while N+1 is read; a chunk's buffer
/// returns to the pool when hash and write are done with it, and the pool bounds how far any lane runs ahead, so
/// memory is <c>pool size × chunk size</c> whatever the files. Any lane's failure or cancellation stops every lane;
/// the run's failure names the file it is about.
/// </summary>
internal sealed class FileCopier(IBackupSink sink, AlignedBufferPool pool, int queueDepth, StreamIdentityReader identity)
{
    private enum Mark
    {
        Chunk,
        Starts,
        Ends,
    }

    /// <summary>Bytes stored so far, over every file.</summary>
    public long BytesDone { get; private set; }

    /// <summary>Called by the write lane when a file starts, with the file and the length its source announced.</summary>
    public Action<SourceFile, long>? OnFileStarts { get; init; }

    /// <summary>Called after each chunk is stored, with the file being copied.</summary>
    public Action<string>? OnChunk { get; init; }

    /// <summary>The limit on source reads (the production server's disks), or <see langword="null"/>: the reader waits after each read for its bytes.</summary>
    public RateLimits.ByteRateLimiter? ReadLimit { get; init; }

    /// <summary>
    /// Copies <paramref name="files"/> in order, each opened with <paramref name="open"/> once the previous one was
    /// read to its end and closed, and calls <paramref name="copied"/> (in order, on the write lane) once each is
    /// completed in the sink.
    /// </summary>
    /// <exception cref="BackupVerificationException">A file failed verification.</exception>
    /// <exception cref="InvalidDataException">A source streamed another length than it announced.</exception>
    public async Task CopyAllAsync(IReadOnlyList<SourceFile> files, Func<SourceFile, ISourceFileReader> open, Action<CopiedFile> copied, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (files.Count == 0)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Channel.CreateBounded<Item>(new BoundedChannelOptions(queueDepth) { SingleReader = true, SingleWriter = true });
        var verified = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toHash = Channel.CreateUnbounded<HashItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reading = Task.Factory.StartNew(() => ReadAll(files, open, read.Writer, linked.Token), linked.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var verifying = Task.Run(() => VerifyAllAsync(read.Reader, verified.Writer, linked), CancellationToken.None);
        var hashing = Task.Run(() => HashAllAsync(toHash.Reader, hash, linked), CancellationToken.None);
        try
        {
            long written = 0;
            await foreach (var item in verified.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                var file = item.File;
                switch (item.Mark)
                {
                    case Mark.Starts:
                        written = 0;
                        OnFileStarts?.Invoke(file.Source, file.Descriptor.ExpectedLength);
                        await sink.OpenFileAsync(file.Descriptor, linked.Token).ConfigureAwait(false);
                        break;
                    case Mark.Chunk:
                        await WriteAsync(item, toHash.Writer, linked.Token).ConfigureAwait(false);
                        written += item.Count;
                        break;
                    default:
                        if (!toHash.Writer.TryWrite(new HashItem(null, file)))
                        {
                            throw new InvalidOperationException("the hashing lane closed before the file ended");
                        }

                        var sha256 = await file.Sha256.Task.WaitAsync(linked.Token).ConfigureAwait(false);
                        var length = item.Offset;
                        if (written != length)
                        {
                            throw new InvalidDataException($"'{file.Source.SourcePath}': {written} bytes reached the sink of the {length} read");
                        }

                        await sink.CompleteFileAsync(new CompletedFile(file.Descriptor, length, sha256), linked.Token).ConfigureAwait(false);
                        copied(file.Copied(length, sha256));
                        break;
                }
            }

            toHash.Writer.Complete();
            await hashing.ConfigureAwait(false);
            await verifying.ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            toHash.Writer.TryComplete();
            await linked.CancelAsync().ConfigureAwait(false);
            var laneFailure = await DrainAsync(reading, verifying, hashing, read.Reader, verified.Reader, toHash.Reader).ConfigureAwait(false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested && laneFailure is not null)
            {
                // Another lane failed and stopped this one: its error is the cause.
                ExceptionDispatchInfo.Throw(laneFailure);
            }

            throw;
        }
    }

    private async ValueTask WriteAsync(Item chunk, ChannelWriter<HashItem> toHash, CancellationToken cancellationToken)
    {
        var lease = new ChunkLease(chunk.Buffer!, chunk.Count);
        if (!toHash.TryWrite(new HashItem(lease, null)))
        {
            pool.Return(chunk.Buffer!);
            throw new InvalidOperationException("the hashing lane closed before the file ended");
        }

        try
        {
            await sink.WriteAsync(new BackupChunk(chunk.Offset, chunk.Buffer!.Memory[..chunk.Count]), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Release(pool);
        }

        BytesDone += chunk.Count;
        OnChunk?.Invoke(chunk.File.Source.SourcePath);
    }

    /// <summary>The reader thread: each file opened, read to its end and closed before the next is opened.</summary>
    private void ReadAll(IReadOnlyList<SourceFile> files, Func<SourceFile, ISourceFileReader> open, ChannelWriter<Item> queue, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var source in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var reader = open(source);
                var file = new FileInFlight(source, new BackupFileDescriptor(source.SetPath, source.Kind, reader.Length, source.SourcePath));
                Post(queue, new Item(file, Mark.Starts, null, 0, 0), cancellationToken);
                var length = ReadFile(reader, file, queue, cancellationToken);
                if (length != reader.Length)
                {
                    throw new InvalidDataException(reader.LengthMismatch(length));
                }

                // The source's file is closed now, before the next opens; its verdict, hash and write may still be in flight.
                reader.Complete();
                Post(queue, new Item(file, Mark.Ends, null, 0, length), cancellationToken);
            }

            queue.Complete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
            throw;
        }
    }

    private long ReadFile(ISourceFileReader reader, FileInFlight file, ChannelWriter<Item> queue, CancellationToken cancellationToken)
    {
        long offset = 0;
        while (true)
        {
            var buffer = pool.Rent(cancellationToken);
            int count;
            try
            {
                count = reader.Read(buffer.GetSpan(), offset);
                if (count < 0 || count > buffer.Length)
                {
                    throw new InvalidDataException($"'{file.Source.SourcePath}': the source returned {count} bytes for a {buffer.Length}-byte read at offset {offset}");
                }

                if (count == 0)
                {
                    pool.Return(buffer);
                    return offset;
                }

                if (offset + count > reader.Length)
                {
                    throw new InvalidDataException(reader.LengthMismatch(offset + count));
                }

                ReadLimit?.Wait(count, cancellationToken);
                Post(queue, new Item(file, Mark.Chunk, buffer, count, offset), cancellationToken);
            }
            catch
            {
                pool.Return(buffer);
                throw;
            }

            offset += count;
        }
    }

    private static void Post(ChannelWriter<Item> queue, Item item, CancellationToken cancellationToken)
    {
        if (!queue.TryWrite(item))
        {
            queue.WriteAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The verify lane: each file's check begins at its start, sees every chunk, and decides at its end.</summary>
    private async Task VerifyAllAsync(ChannelReader<Item> items, ChannelWriter<Item> verified, CancellationTokenSource lanes)
    {
        try
        {
            await foreach (var item in items.ReadAllAsync(lanes.Token).ConfigureAwait(false))
            {
                try
                {
                    Verify(item);
                }
                catch
                {
                    if (item.Buffer is { } failed)
                    {
                        pool.Return(failed);
                    }

                    throw;
                }

                if (!verified.TryWrite(item))
                {
                    if (item.Buffer is { } unsent)
                    {
                        pool.Return(unsent);
                    }

                    throw new InvalidOperationException("the write lane closed before the run ended");
                }
            }

            verified.Complete();
        }
        catch (Exception e)
        {
            verified.TryComplete(e is OperationCanceledException ? null : e);
            if (e is not OperationCanceledException)
            {
                await lanes.CancelAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private void Verify(Item item)
    {
        var file = item.File;
        var source = file.Source;
        switch (item.Mark)
        {
            case Mark.Starts:
                // Declared here, on the lane that reads the stream's headers, so the identity sees its files in order.
                identity.Declare(source.Kind, source.SetPath, source.SourcePath, source.LogSignature, source.DatabaseSignature);
                file.Check = identity.Begin(file.Descriptor);
                break;
            case Mark.Chunk:
                file.Check!.Append(item.Buffer!.GetSpan()[..item.Count], item.Offset);
                break;
            default:
                var facts = file.Check!.Complete(item.Offset);
                file.Facts = facts;
                FileVerdict.ThrowIfAny(source.SourcePath, facts.Problems, source.Kind == BackupFileKind.Log ? source.Generation ?? facts.LogGeneration : null);
                break;
        }
    }

    /// <summary>The hashing lane: one SHA-256 over the run, its digest taken and reset at each file's end.</summary>
    private async Task HashAllAsync(ChannelReader<HashItem> items, IncrementalHash hash, CancellationTokenSource lanes)
    {
        try
        {
            await foreach (var item in items.ReadAllAsync(lanes.Token).ConfigureAwait(false))
            {
                if (item.Ends is { } ended)
                {
                    ended.Sha256.TrySetResult(Convert.ToHexStringLower(hash.GetHashAndReset()));
                    continue;
                }

                try
                {
                    hash.AppendData(item.Lease!.Buffer.GetSpan()[..item.Lease.Count]);
                }
                finally
                {
                    item.Lease!.Release(pool);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stop the other lanes too: with this lane gone, the buffers it would have released never come back.
            await lanes.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for every lane to stop, gives back what they left; returns the first lane's own failure (not a cancellation).</summary>
    private async Task<Exception?> DrainAsync(Task reading, Task verifying, Task hashing, ChannelReader<Item> read, ChannelReader<Item> verified, ChannelReader<HashItem> toHash)
    {
        Exception? failure = null;
        foreach (var lane in new[] { reading, verifying, hashing })
        {
            try
            {
                await lane.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped with the rest of the run.
            }
            catch (Exception e) when (e is not ChannelClosedException)
            {
                failure ??= e;
            }
            catch (ChannelClosedException)
            {
                // A lane saw the previous one fail; that failure is reported.
            }
        }

        foreach (var queue in new[] { read, verified })
        {
            while (queue.TryRead(out var item))
            {
                if (item.Buffer is { } buffer)
                {
                    pool.Return(buffer);
                }
            }
        }

        while (toHash.TryRead(out var item))
        {
            item.Lease?.Release(pool);
        }

        return failure;
    }

    /// <summary>One item of the run's queue: a file's start, a chunk of it (a pooled buffer), or its end (offset = length).</summary>
    private readonly record struct Item(FileInFlight File, Mark Mark, AlignedBuffer? Buffer, int Count, long Offset);

    /// <summary>A chunk for the hashing lane, or a file's end (its digest is due).</summary>
    private readonly record struct HashItem(ChunkLease? Lease, FileInFlight? Ends);

    /// <summary>A file between its start and its completion in the sink: what the lanes learn of it.</summary>
    private sealed class FileInFlight(SourceFile source, BackupFileDescriptor descriptor)
    {
        public SourceFile Source { get; } = source;

        public BackupFileDescriptor Descriptor { get; } = descriptor;

        /// <summary>The verify lane's check (set at the start, used only on that lane).</summary>
        public IFileStreamCheck? Check { get; set; }

        /// <summary>The verify lane's facts, set at the end before the end item reaches the write lane.</summary>
        public FileCheckResult? Facts { get; set; }

        /// <summary>The hashing lane's digest, set once it hashed the file's last chunk.</summary>
        public TaskCompletionSource<string> Sha256 { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CopiedFile Copied(long length, string sha256)
        {
            var manifestFile = new ManifestFile
            {
                Path = Source.SetPath,
                Kind = Source.Kind,
                Bytes = length,
                Sha256 = sha256,
                SourcePath = Source.SourcePath,
                Generation = Source.Kind == BackupFileKind.Log ? Source.Generation ?? Facts?.LogGeneration : null,
            };
            var database = Facts?.Database ?? Source.Facts;
            return new CopiedFile(Source, manifestFile, database is null ? null : database with { Path = Source.SetPath }, Facts?.Corrections ?? []);
        }
    }

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

/// <summary>A file the copier stored.</summary>
/// <param name="Source">The source's file.</param>
/// <param name="File">Its manifest entry.</param>
/// <param name="Database">Header facts when it is a database and was verified.</param>
/// <param name="Corrections">Single-bit errors corrected in the copy.</param>
internal sealed record CopiedFile(SourceFile Source, ManifestFile File, ManifestDatabase? Database, IReadOnlyList<EccCorrection> Corrections);
