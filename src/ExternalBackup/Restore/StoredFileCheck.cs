using System.Buffers;
using System.Security.Cryptography;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;

namespace ExternalBackup.Restore;

/// <summary>
/// Reads one stored file of a set through the repository (bounded by its manifest), hashes it, optionally checks
/// its pages or log records on the way and optionally writes it to a file; compares length and SHA-256 with the
/// manifest. Reading, hashing and writing overlap: while one buffer is hashed, the next is read and the previous one written.
/// </summary>
internal static class StoredFileCheck
{
    /// <summary>The size of each read.</summary>
    public const int BufferBytes = 1 << 20;

    /// <summary>
    /// The flush-behind window of a restored file (Linux, <see cref="Sinks.FileSystem.StagedFile"/>, the folder sink's
    /// recipe): each window's writeback is started once it is written, the one before it waited for and dropped from
    /// the page cache, so the disk works while the rest is read and hashed and a large restore holds two windows of
    /// the cache instead of filling it with fresh pages.
    /// </summary>
    public const long WritebackWindow = 8L << 20;

    /// <summary>The largest checkpoint checked for its header (a checkpoint is a few KiB).</summary>
    public const int MaxCheckpointBytes = 1 << 20;

    /// <summary>
    /// Reads <paramref name="file"/> of <paramref name="set"/> (copying it to <paramref name="copyTo"/>, flushed to the
    /// disk unless <paramref name="flushCopy"/> is off), telling <paramref name="onRead"/> each read's byte count once
    /// it is hashed (and written); returns the problems (empty when it matches).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IBackupRepository repository, StoredSet set, ManifestFile file, string? copyTo, bool verifyContent, CancellationToken cancellationToken, bool flushCopy = true, Action<int>? onRead = null)
    {
        var name = $"{set.Describe()}: '{file.Path}'";
        var problems = new List<string>();
        Stream input;
        try
        {
            input = await repository.OpenFileAsync(set, file, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            problems.Add(e.Message);
            return problems;
        }

        var content = verifyContent ? ContentCheck.For(file) : null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Sinks.FileSystem.StagedFile? output = null;
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(BufferBytes), ArrayPool<byte>.Shared.Rent(BufferBytes), ArrayPool<byte>.Shared.Rent(BufferBytes) };
        ValueTask<int> pending = default;
        var writing = Task.CompletedTask;
        try
        {
            await using (input.ConfigureAwait(false))
            {
                if (copyTo is not null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(copyTo)!);
                    output = Sinks.FileSystem.StagedFile.CreateNew(copyTo, WritebackWindow);
                }

                long length = 0;
                var current = 0;
                var read = await input.ReadAsync(buffers[current], cancellationToken).ConfigureAwait(false);
                while (read > 0)
                {
                    // Three buffers: one being read, one being hashed, one being written.
                    pending = input.ReadAsync(buffers[(current + 1) % buffers.Length], cancellationToken);
                    var data = buffers[current].AsMemory(0, read);
                    hash.AppendData(data.Span);
                    content?.Append(data.Span);
                    if (output is not null)
                    {
                        await writing.ConfigureAwait(false);
                        writing = output.WriteAsync(new Sinks.BackupChunk(length, data), cancellationToken).AsTask();
                    }

                    length += read;
                    onRead?.Invoke(read);
                    var next = pending;
                    pending = default;
                    read = await next.ConfigureAwait(false);
                    current = (current + 1) % buffers.Length;
                }

                await writing.ConfigureAwait(false);
                var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (length != file.Bytes)
                {
                    problems.Add($"{name} has {length} bytes, the manifest says {file.Bytes}");
                }
                else if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{name} has SHA-256 {sha}, the manifest says {file.Sha256}");
                }

                if (content is not null)
                {
                    problems.AddRange(content.Complete(name, length));
                }

                if (flushCopy)
                {
                    output?.FlushToDisk();
                }
                else
                {
                    // The file system's flush before the rename waits for the rest.
                    output?.Complete();
                }
            }
        }
        catch (InvalidDataException e)
        {
            problems.Add(e.Message);
        }
        finally
        {
            // A read or write still using a buffer must end before the buffer goes back to the pool.
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
            {
            }

            try
            {
                await writing.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }

            output?.Dispose();

            foreach (var buffer in buffers)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return problems;
    }

    /// <summary>The page, log or checkpoint check of one file, fed while it is read.</summary>
    private sealed class ContentCheck
    {
        private readonly ManifestFile _file;
        private readonly DatabasePageVerifier? _pages;
        private readonly LogFileVerifier? _log;
        private readonly MemoryStream? _checkpoint;

        private ContentCheck(ManifestFile file)
        {
            _file = file;
            switch (file.Kind)
            {
                case BackupFileKind.Database:
                    _pages = new DatabasePageVerifier(file.Path);
                    break;
                case BackupFileKind.Log:
                    _log = new LogFileVerifier(file.Path);
                    break;
                case BackupFileKind.Checkpoint when file.Bytes <= MaxCheckpointBytes:
                    _checkpoint = new MemoryStream((int)file.Bytes);
                    break;
            }
        }

        public static ContentCheck? For(ManifestFile file) => file.Kind == BackupFileKind.Other ? null : new ContentCheck(file);

        public void Append(ReadOnlySpan<byte> data)
        {
            _pages?.Append(data);
            _log?.Append(data);
            _checkpoint?.Write(data);
        }

        public IEnumerable<string> Complete(string name, long length)
        {
            IEnumerable<VerificationProblem> found = [];
            if (_pages is not null)
            {
                var result = _pages.Complete(length);
                found = result.Problems;
            }
            else if (_log is not null)
            {
                var result = _log.Complete();
                found = result.Problems;
                if (result.Header is { } header && _file.Generation is { } generation && header.Generation != generation)
                {
                    found = found.Append(new VerificationProblem(_file.Path, $"the manifest says log generation {generation} but the header holds generation {header.Generation}"));
                }
                else if (result.Header is { } h && LogFileName.TryParse(_file.Path.Split('/')[^1])?.Generation is { } named && named != h.Generation)
                {
                    found = found.Append(new VerificationProblem(_file.Path, $"the name says log generation {named} but the header holds generation {h.Generation}"));
                }
            }
            else if (_checkpoint is not null)
            {
                found = CheckpointVerification.Verify(_file.Path, _checkpoint.GetBuffer().AsSpan(0, (int)_checkpoint.Length)).Problems;
            }

            return found.Where(p => !p.IsWarning).Select(p => $"{name}: {Where(p)}{p.Cause}");
        }

        private static string Where(VerificationProblem p) =>
            p.Page is { } page ? $"page {page}{(p.Offset is { } o ? $" (offset {o})" : "")}: " : p.Offset is { } offset ? $"offset {offset}: " : "";
    }
}
