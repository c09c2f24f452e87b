using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using ExternalBackup.Buffers;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sources;
using ExternalBackup.Telemetry;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Copies a run of files of any source into the sink through four lanes that live for the whole run, over pooled,
/// page-aligned buffers, each chunk passing every lane in turn: one reader on a thread of its own (source reads block)
/// opens, reads to the end and closes each file in turn, then opens the next (the engine allows one open file, closed
/// after its last read), and puts the file's chunks in one bounded queue, the first marked "file starts" and the last
/// "file ends" (a file of one chunk is one item; an empty file one item without bytes); the verify lane (pages and log
/// segments checked, ECC-correctable bits corrected, before anything of the chunk is stored) decides each file at its
/// end (<see cref="FileVerdict"/>); the hashing lane (SHA-256 in order) has the file's digest when its end passes on;
/// and the write lane opens, writes and completes the sink's files one at a time, in order, never waiting for a digest.
/// So file N's verdict, hash and sink write can still be in flight while N+1 is read, and many small files stream
/// without a stop at each file's end; a chunk's buffer returns to the pool once written, and the pool bounds how far
/// any lane runs ahead, so memory is <c>pool size × chunk size</c> whatever the files. Any lane's failure or
/// cancellation stops every lane; the run's failure names the file it is about.
/// </summary>
internal sealed class FileCopier(IBackupSink sink, AlignedBufferPool pool, int queueDepth, StreamIdentityReader identity)
{
    /// <summary>What an item of the run's queue marks besides its bytes: the file's start, its end, or both.</summary>
    [Flags]
    private enum Mark
    {
        None = 0,
        Starts = 1,
        Ends = 2,
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
        var hashed = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reading = Task.Factory.StartNew(() => ReadAll(files, open, read.Writer, linked.Token), linked.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var verifying = Task.Run(() => PassOnAsync(read.Reader, verified.Writer, Verify, linked), CancellationToken.None);
        var hashing = Task.Run(() => PassOnAsync(verified.Reader, hashed.Writer, item => Hash(item, hash), linked), CancellationToken.None);
        FileSpan? span = null;
        try
        {
            long written = 0;
            await foreach (var item in hashed.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                var file = item.File;
                if (item.Mark.HasFlag(Mark.Starts))
                {
                    written = 0;
                    span = FileSpan.Start(file.Descriptor);
                    OnFileStarts?.Invoke(file.Source, file.Descriptor.ExpectedLength);
                    await OpenAsync(item, linked.Token).ConfigureAwait(false);
                }

                if (item.Buffer is not null)
                {
                    await WriteAsync(item, linked.Token).ConfigureAwait(false);
                    written += item.Count;
                }

                if (item.Mark.HasFlag(Mark.Ends))
                {
                    var length = item.Length;
                    if (written != length)
                    {
                        throw new InvalidDataException($"'{file.Source.SourcePath}': {written} bytes reached the sink of the {length} read");
                    }

                    // The hashing lane took the digest before it passed the file's end on.
                    var sha256 = file.Sha256 ?? throw new InvalidOperationException("the file's end reached the sink before its digest");
                    await sink.CompleteFileAsync(new CompletedFile(file.Descriptor, length, sha256), linked.Token).ConfigureAwait(false);
                    span!.Stored(length);
                    copied(file.Copied(length, sha256));
                }
            }

            await hashing.ConfigureAwait(false);
            await verifying.ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            span?.Failed(e);
            await linked.CancelAsync().ConfigureAwait(false);
            var laneFailure = await DrainAsync([reading, verifying, hashing], [read.Reader, verified.Reader, hashed.Reader]).ConfigureAwait(false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested && laneFailure is not null)
            {
                // Another lane failed and stopped this one: its error is the cause.
                ExceptionDispatchInfo.Throw(laneFailure);
            }

            throw;
        }
    }

    private async ValueTask OpenAsync(Item item, CancellationToken cancellationToken)
    {
        try
        {
            await sink.OpenFileAsync(item.File.Descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The item's bytes will not be written.
            if (item.Buffer is { } unwritten)
            {
                pool.Return(unwritten);
            }

            throw;
        }
    }

    private async ValueTask WriteAsync(Item chunk, CancellationToken cancellationToken)
    {
        try
        {
            await sink.WriteAsync(new BackupChunk(chunk.Offset, chunk.Buffer!.Memory[..chunk.Count]), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pool.Return(chunk.Buffer!);
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
                ReadFile(reader, file, queue, cancellationToken);
            }

            queue.Complete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
            throw;
        }
    }

    /// <summary>
    /// Reads one file to its end and queues its chunks, each one read late: a chunk is queued once the next read
    /// returned bytes, and the last one, marked as the file's end, once the source said there is no more and the file
    /// is closed. So a file of one chunk is one item, and the file's end travels with its last bytes.
    /// </summary>
    private void ReadFile(ISourceFileReader reader, FileInFlight file, ChannelWriter<Item> queue, CancellationToken cancellationToken)
    {
        Item? held = null;
        var mark = Mark.Starts;
        long offset = 0;
        try
        {
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

                    if (offset + count > reader.Length)
                    {
                        throw new InvalidDataException(reader.LengthMismatch(offset + count));
                    }

                    ReadLimit?.Wait(count, cancellationToken);
                }
                catch
                {
                    pool.Return(buffer);
                    throw;
                }

                if (count == 0)
                {
                    pool.Return(buffer);
                    break;
                }

                if (held is { } previous)
                {
                    held = null;
                    Post(queue, previous, cancellationToken);
                }

                held = new Item(file, mark, buffer, count, offset, 0);
                mark = Mark.None;
                offset += count;
            }

            if (offset != reader.Length)
            {
                throw new InvalidDataException(reader.LengthMismatch(offset));
            }

            // The source's file is closed now, before the next opens; its verdict, hash and write may still be in flight.
            reader.Complete();
            var last = held is { } chunk ? chunk with { Mark = chunk.Mark | Mark.Ends, Length = offset } : new Item(file, Mark.Starts | Mark.Ends, null, 0, 0, 0);
            held = null;
            Post(queue, last, cancellationToken);
        }
        catch
        {
            if (held?.Buffer is { } unsent)
            {
                pool.Return(unsent);
            }

            throw;
        }
    }

    /// <summary>Queues an item; when it cannot be queued its buffer goes back to the pool.</summary>
    private void Post(ChannelWriter<Item> queue, Item item, CancellationToken cancellationToken)
    {
        if (queue.TryWrite(item))
        {
            return;
        }

        try
        {
            queue.WriteAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            if (item.Buffer is { } unsent)
            {
                pool.Return(unsent);
            }

            throw;
        }
    }

    /// <summary>
    /// The verify lane and the hashing lane: each item through <paramref name="step"/>, then on to the next lane, in
    /// order. A failure stops every lane.
    /// </summary>
    private async Task PassOnAsync(ChannelReader<Item> items, ChannelWriter<Item> next, Action<Item> step, CancellationTokenSource lanes)
    {
        try
        {
            await foreach (var item in items.ReadAllAsync(lanes.Token).ConfigureAwait(false))
            {
                try
                {
                    step(item);
                }
                catch
                {
                    if (item.Buffer is { } failed)
                    {
                        pool.Return(failed);
                    }

                    throw;
                }

                if (!next.TryWrite(item))
                {
                    if (item.Buffer is { } unsent)
                    {
                        pool.Return(unsent);
                    }

                    throw new InvalidOperationException("the next lane closed before the run ended");
                }
            }

            next.Complete();
        }
        catch (Exception e)
        {
            next.TryComplete(e is OperationCanceledException ? null : e);
            if (e is not OperationCanceledException)
            {
                // Stop the other lanes too: with this lane gone, the buffers it would have passed on never come back.
                await lanes.CancelAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>The verify lane's step: each file's check begins at its start, sees every chunk, and decides at its end.</summary>
    private void Verify(Item item)
    {
        var file = item.File;
        var source = file.Source;
        if (item.Mark.HasFlag(Mark.Starts))
        {
            // Declared here, on the lane that reads the stream's headers, so the identity sees its files in order.
            identity.Declare(source.Kind, source.SetPath, source.SourcePath, source.LogSignature, source.DatabaseSignature);
            file.Check = identity.Begin(file.Descriptor);
        }

        if (item.Buffer is { } buffer)
        {
            file.Check!.Append(buffer.GetSpan()[..item.Count], item.Offset);
        }

        if (item.Mark.HasFlag(Mark.Ends))
        {
            var facts = file.Check!.Complete(item.Length);
            file.Facts = facts;
            FileVerdict.ThrowIfAny(source.SourcePath, facts.Problems, source.Kind == BackupFileKind.Log ? source.Generation ?? facts.LogGeneration : null);
        }
    }

    /// <summary>The hashing lane's step: one SHA-256 over the run, its digest taken and reset at each file's end.</summary>
    private static void Hash(Item item, IncrementalHash hash)
    {
        if (item.Buffer is { } buffer)
        {
            hash.AppendData(buffer.GetSpan()[..item.Count]);
        }

        if (item.Mark.HasFlag(Mark.Ends))
        {
            item.File.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    /// <summary>Waits for every lane to stop, gives back what they left; returns the first lane's own failure (not a cancellation).</summary>
    private async Task<Exception?> DrainAsync(Task[] lanes, ChannelReader<Item>[] queues)
    {
        Exception? failure = null;
        foreach (var lane in lanes)
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

        foreach (var queue in queues)
        {
            while (queue.TryRead(out var item))
            {
                if (item.Buffer is { } buffer)
                {
                    pool.Return(buffer);
                }
            }
        }

        return failure;
    }

    /// <summary>
    /// One item of the run's queue: a chunk of a file (a pooled buffer of <paramref name="Count"/> bytes at
    /// <paramref name="Offset"/>), marked when it is the file's first or last (then <paramref name="Length"/> is the
    /// file's length); an empty file is one item marked both, without a buffer.
    /// </summary>
    private readonly record struct Item(FileInFlight File, Mark Mark, AlignedBuffer? Buffer, int Count, long Offset, long Length);

    /// <summary>A file between its start and its completion in the sink: what the lanes learn of it.</summary>
    private sealed class FileInFlight(SourceFile source, BackupFileDescriptor descriptor)
    {
        public SourceFile Source { get; } = source;

        public BackupFileDescriptor Descriptor { get; } = descriptor;

        /// <summary>The verify lane's check (set at the start, used only on that lane).</summary>
        public IFileStreamCheck? Check { get; set; }

        /// <summary>The verify lane's facts, set at the end before the end item reaches the next lane.</summary>
        public FileCheckResult? Facts { get; set; }

        /// <summary>The hashing lane's digest, set at the file's end before the end item reaches the write lane.</summary>
        public string? Sha256 { get; set; }

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
}

/// <summary>A file the copier stored.</summary>
/// <param name="Source">The source's file.</param>
/// <param name="File">Its manifest entry.</param>
/// <param name="Database">Header facts when it is a database and was verified.</param>
/// <param name="Corrections">Single-bit errors corrected in the copy.</param>
internal sealed record CopiedFile(SourceFile Source, ManifestFile File, ManifestDatabase? Database, IReadOnlyList<EccCorrection> Corrections);
