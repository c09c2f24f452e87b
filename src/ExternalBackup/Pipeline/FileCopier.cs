using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using ExternalBackup.Buffers;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sources;

namespace ExternalBackup.Pipeline;

/// <summary>
/// Copies one file of any source into the sink through four lanes over pooled, page-aligned buffers: a reader on a
/// thread of its own (source reads block), a verify lane (pages and log segments checked, and ECC-correctable bits
/// corrected, before anything of the chunk is stored), then a hashing lane (SHA-256 in order) and the sink write,
/// neither waiting for the other; a chunk's buffer returns to the pool when both are done with it. The pool bounds how
/// far any lane runs ahead, so memory is <c>pool size × chunk size</c> whatever the file. Once the file ended the
/// verifier's problems decide (<see cref="FileVerdict"/>).
/// </summary>
internal sealed class FileCopier(IBackupSink sink, AlignedBufferPool pool, int queueDepth, IStreamVerifier? verifier)
{
    /// <summary>Bytes stored so far, over every file.</summary>
    public long BytesDone { get; private set; }

    /// <summary>Called after each chunk is stored, with the file being copied.</summary>
    public Action<string>? OnChunk { get; init; }

    /// <summary>Copies <paramref name="file"/> from <paramref name="reader"/> and completes it in the sink.</summary>
    /// <exception cref="BackupVerificationException">The file failed verification.</exception>
    /// <exception cref="InvalidDataException">The source streamed another length than it announced.</exception>
    public async Task<CopiedFile> CopyAsync(SourceFile file, ISourceFileReader reader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var descriptor = new BackupFileDescriptor(file.SetPath, file.Kind, reader.Length, file.SourcePath);
        await sink.OpenFileAsync(descriptor, cancellationToken).ConfigureAwait(false);
        var check = verifier?.Begin(descriptor);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(queueDepth) { SingleReader = true, SingleWriter = true });
        var verified = check is null ? read : Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var toHash = Channel.CreateUnbounded<ChunkLease>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reading = Task.Factory.StartNew(() => ReadAll(reader, file.SourcePath, read.Writer, linked.Token), linked.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var verifying = check is null ? Task.CompletedTask : Task.Run(() => VerifyAllAsync(check, read.Reader, verified.Writer, linked), CancellationToken.None);
        var hashing = Task.Run(() => HashAllAsync(toHash.Reader, hash, linked), CancellationToken.None);
        long written = 0;
        try
        {
            await foreach (var chunk in verified.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                var lease = new ChunkLease(chunk.Buffer, chunk.Count);
                if (!toHash.Writer.TryWrite(lease))
                {
                    pool.Return(chunk.Buffer);
                    throw new InvalidOperationException("the hashing lane closed before the file ended");
                }

                try
                {
                    await sink.WriteAsync(new BackupChunk(chunk.Offset, chunk.Buffer.Memory[..chunk.Count]), linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    lease.Release(pool);
                }

                written += chunk.Count;
                BytesDone += chunk.Count;
                OnChunk?.Invoke(file.SourcePath);
            }

            toHash.Writer.Complete();
            await hashing.ConfigureAwait(false);
            await verifying.ConfigureAwait(false);
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

        var length = await reading.ConfigureAwait(false);
        if (length != written || length != reader.Length)
        {
            throw new InvalidDataException(reader.LengthMismatch(length));
        }

        reader.Complete();
        var facts = check?.Complete(length);
        if (facts is not null)
        {
            FileVerdict.ThrowIfAny(file.SourcePath, facts.Problems, file.Kind == BackupFileKind.Log ? file.Generation ?? facts.LogGeneration : null);
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        await sink.CompleteFileAsync(new CompletedFile(descriptor, length, sha256), cancellationToken).ConfigureAwait(false);
        var manifestFile = new ManifestFile
        {
            Path = file.SetPath,
            Kind = file.Kind,
            Bytes = length,
            Sha256 = sha256,
            SourcePath = file.SourcePath,
            Generation = file.Kind == BackupFileKind.Log ? file.Generation ?? facts?.LogGeneration : null,
        };
        var database = facts?.Database ?? file.Facts;
        return new CopiedFile(manifestFile, database is null ? null : database with { Path = file.SetPath }, facts?.Corrections ?? []);
    }

    private long ReadAll(ISourceFileReader reader, string source, ChannelWriter<Chunk> queue, CancellationToken cancellationToken)
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
                    count = reader.Read(buffer.GetSpan(), offset);
                    if (count < 0 || count > buffer.Length)
                    {
                        throw new InvalidDataException($"'{source}': the source returned {count} bytes for a {buffer.Length}-byte read at offset {offset}");
                    }

                    if (count == 0)
                    {
                        pool.Return(buffer);
                        break;
                    }

                    if (offset + count > reader.Length)
                    {
                        throw new InvalidDataException(reader.LengthMismatch(offset + count));
                    }

                    var chunk = new Chunk(buffer, count, offset);
                    if (!queue.TryWrite(chunk))
                    {
                        queue.WriteAsync(chunk, cancellationToken).AsTask().GetAwaiter().GetResult();
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

    private async Task VerifyAllAsync(IFileStreamCheck check, ChannelReader<Chunk> chunks, ChannelWriter<Chunk> verified, CancellationTokenSource lanes)
    {
        try
        {
            await foreach (var chunk in chunks.ReadAllAsync(lanes.Token).ConfigureAwait(false))
            {
                try
                {
                    check.Append(chunk.Buffer.GetSpan()[..chunk.Count], chunk.Offset);
                }
                catch
                {
                    pool.Return(chunk.Buffer);
                    throw;
                }

                if (!verified.TryWrite(chunk))
                {
                    pool.Return(chunk.Buffer);
                    throw new InvalidOperationException("the write lane closed before the file ended");
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

    private async Task HashAllAsync(ChannelReader<ChunkLease> chunks, IncrementalHash hash, CancellationTokenSource lanes)
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
            // Stop the other lanes too: with this lane gone, the buffers it would have released never come back.
            await lanes.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for every lane to stop, gives back what they left; returns the first lane's own failure (not a cancellation).</summary>
    private async Task<Exception?> DrainAsync(Task reading, Task verifying, Task hashing, ChannelReader<Chunk> read, ChannelReader<Chunk> verified, ChannelReader<ChunkLease> toHash)
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
                // Stopped with the rest of the file.
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

        foreach (var queue in new[] { read, verified }.Distinct())
        {
            while (queue.TryRead(out var chunk))
            {
                pool.Return(chunk.Buffer);
            }
        }

        while (toHash.TryRead(out var lease))
        {
            lease.Release(pool);
        }

        return failure;
    }

    private readonly record struct Chunk(AlignedBuffer Buffer, int Count, long Offset);

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
/// <param name="File">Its manifest entry.</param>
/// <param name="Database">Header facts when it is a database and was verified.</param>
/// <param name="Corrections">Single-bit errors corrected in the copy.</param>
internal sealed record CopiedFile(ManifestFile File, ManifestDatabase? Database, IReadOnlyList<EccCorrection> Corrections);
