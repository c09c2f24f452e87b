using ExternalBackup.Manifest;
using ExternalBackup.Platform;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// Writes backup sets into a folder, one sub-folder per set (<c>DEST/&lt;setId&gt;/</c> with <c>manifest.json</c>,
/// <c>databases/</c>, <c>logs/</c>). A set is written under <c>DEST/.staging/&lt;setId&gt;/</c>, flushed to disk,
/// and renamed into place after its manifest: readers never see half a set, a failed backup leaves the sets as
/// they were, and a new full backup never touches the previous one. Leftovers of a killed run stay under
/// <c>.staging</c>, are never taken for a set, and are removed by the next run. One writer at a time: the sink
/// holds <c>DEST/.lock</c> (<see cref="DirectoryLock"/>) while a set is being written.
/// </summary>
public sealed class DirectorySink : IBackupSink, IBackupSetCatalog, ISinkFaultClassifier
{
    /// <summary>The staging folder's name inside the destination.</summary>
    public const string StagingFolderName = ".staging";

    /// <summary>The lock file's name inside the destination.</summary>
    public const string LockFileName = ".lock";

    private readonly DirectorySinkOptions _options;
    private DirectoryLock? _lock;
    private string? _staging;
    private string? _setId;
    private bool _renamedIntoPlace;
    private StagedFile? _file;
    private Task _flushes = Task.CompletedTask;
    private List<IOException> _flushFailures = [];

    /// <summary>Completed files whose bytes may still be on their way to the disk, oldest first (flush-behind with <see cref="FileSystemFlush"/>).</summary>
    private readonly Queue<StagedFile> _unsettled = new();
    private long _unsettledBytes;
    private bool _flushFileSystem;

    /// <summary>How many flush-behind windows of completed files may be on their way to the disk before the oldest is waited for.</summary>
    private const int WindowsInFlight = 2;

    /// <summary>Creates a sink writing into <paramref name="destination"/>.</summary>
    public DirectorySink(string destination, DirectorySinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        Destination = Path.GetFullPath(destination);
        _options = options ?? new DirectorySinkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.FlushBehindWindow, 64 * 1024, nameof(options));
    }

    /// <summary>The destination folder.</summary>
    public string Destination { get; }

    /// <summary>
    /// Bytes of file data this sink had written back to the disk and dropped from the page cache while files were
    /// still being written (see <see cref="DirectorySinkOptions.FlushBehind"/>); 0 where flush-behind is off or not
    /// supported.
    /// </summary>
    public long FlushedBehindBytes { get; private set; }

    /// <summary>The folder of a committed set.</summary>
    public string SetFolder(string setId) => Path.Combine(Destination, SetPath.Validate(setId));

    /// <inheritdoc />
    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        cancellationToken.ThrowIfCancellationRequested();
        if (_setId is not null)
        {
            throw new InvalidOperationException($"set '{_setId}' is still open in {Destination}");
        }

        if (!System.IO.Directory.Exists(Destination))
        {
            if (!_options.CreateDestination)
            {
                throw new DirectoryNotFoundException($"the backup destination '{Destination}' does not exist");
            }

            System.IO.Directory.CreateDirectory(Destination);
        }

        if (Pipeline.SetName.Problem(set.SetId) is { } problem)
        {
            throw new ArgumentException($"set name '{set.SetId}' is not a plain folder name: {problem}", nameof(set));
        }

        if (System.IO.Directory.Exists(Path.Combine(Destination, set.SetId)))
        {
            throw new IOException($"a set named '{set.SetId}' already exists in {Destination}");
        }

        _lock = AcquireLock();
        try
        {
            var stagingRoot = Path.Combine(Destination, StagingFolderName);
            RemoveLeftoverStaging(Destination);
            _staging = Path.Combine(stagingRoot, set.SetId);
            System.IO.Directory.CreateDirectory(_staging);
            _flushFileSystem = _options.FlushToDisk && _options.FlushBehind && FileSystemFlush.IsAvailable(_staging);
            _setId = set.SetId;
        }
        catch
        {
            ReleaseLock();
            throw;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        cancellationToken.ThrowIfCancellationRequested();
        var staging = RequireSet();
        CloseFile();
        if (string.Equals(file.Path, BackupManifest.FileName, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"unsafe path in backup set '{file.Path}': reserved for the set's manifest", nameof(file));
        }

        var path = StagedPath(staging, file.Path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = StagedFile.Create(path, _options.FlushBehind ? _options.FlushBehindWindow : 0);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        var file = _file ?? throw new InvalidOperationException("no file is open");
        var before = file.SettledBytes;
        await file.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        FlushedBehindBytes += file.SettledBytes - before;
    }

    /// <inheritdoc />
    /// <remarks>
    /// With flush-behind on a file system <see cref="FileSystemFlush"/> serves (Linux ext4, XFS, btrfs), the file's
    /// last bytes are handed to the disk now and waited for once more than two windows of later files are on their
    /// way, then its pages leave the page cache; <see cref="CommitAsync"/> waits for the rest and flushes the file
    /// system once, so a set of many small files (an incremental's logs) costs one journal commit and one device
    /// flush instead of one per file. Elsewhere the file's <c>fsync</c> runs in the background, one file after another,
    /// while the next files are written, and the commit waits for every one. Either way a failure names the file and
    /// stops the commit.
    /// </remarks>
    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        cancellationToken.ThrowIfCancellationRequested();
        var staged = _file ?? throw new InvalidOperationException("no file is open");
        if (file.Length != staged.Length)
        {
            throw new IOException($"'{file.File.Path}': {staged.Length} bytes were written but the file is said to have {file.Length}");
        }

        _file = null;
        if (!_options.FlushToDisk)
        {
            staged.Dispose();
        }
        else if (_flushFileSystem && staged.FlushesBehind)
        {
            _unsettled.Enqueue(staged);
            _unsettledBytes += staged.Length - staged.SettledBytes;
            staged.Complete();
            while (_unsettledBytes > WindowsInFlight * (long)_options.FlushBehindWindow)
            {
                SettleOldest();
            }
        }
        else
        {
            _flushes = FlushAfterAsync(_flushes, staged);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var staging = RequireSet();
        if (manifest.SetId != _setId)
        {
            throw new ArgumentException($"manifest of set '{manifest.SetId}' committed into set '{_setId}'", nameof(manifest));
        }

        // A repeated commit (the retry decorator after a timeout or a transient failure) goes on from where the
        // previous attempt stopped: the manifest is rewritten whole, and a set already renamed into place is not
        // moved again.
        var target = Path.Combine(Destination, _setId!);
        if (!_renamedIntoPlace)
        {
            await StageManifestAsync(staging, manifest, cancellationToken).ConfigureAwait(false);

            // The rename is the commit point.
            System.IO.Directory.Move(staging, target);
            _renamedIntoPlace = true;
        }

        if (_options.FlushToDisk)
        {
            DirectoryDurability.Flush(Destination);
        }

        TryDeleteEmpty(Path.Combine(Destination, StagingFolderName));
        _staging = null;
        _setId = null;
        _renamedIntoPlace = false;
        ReleaseLock();
    }

    /// <summary>Makes every staged file durable, then writes the manifest last and flushes it and the set's folders.</summary>
    private async ValueTask StageManifestAsync(string staging, BackupManifest manifest, CancellationToken cancellationToken)
    {
        CloseFile();
        while (_unsettled.Count > 0)
        {
            SettleOldest();
        }

        await _flushes.ConfigureAwait(false);
        if (_flushFailures.Count > 0)
        {
            throw _flushFailures[0];
        }

        foreach (var file in manifest.Files)
        {
            var info = new FileInfo(StagedPath(staging, file.Path));
            if (!info.Exists || info.Length != file.Bytes)
            {
                throw new IOException($"'{file.Path}' is missing or has the wrong length in the staged set '{_setId}'");
            }
        }

        if (_flushFileSystem)
        {
            // Every file's data is on the disk (settled above); this commits their metadata and the folders' entries
            // and flushes the device's cache, once for the whole set.
            FileSystemFlush.Flush(staging);
        }

        var manifestPath = Path.Combine(staging, BackupManifest.FileName);
        await using (var stream = new FileStream(manifestPath, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            await stream.WriteAsync(ManifestJson.Serialize(manifest), cancellationToken).ConfigureAwait(false);
            if (_options.FlushToDisk)
            {
                stream.Flush(flushToDisk: true);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_flushFileSystem)
        {
            // The manifest's entry; the set's other folders were flushed with the file system.
            DirectoryDurability.Flush(staging);
        }
        else if (_options.FlushToDisk)
        {
            foreach (var folder in System.IO.Directory.EnumerateDirectories(staging, "*", SearchOption.AllDirectories).Append(staging))
            {
                DirectoryDurability.Flush(folder);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        CloseFile();
        try
        {
            await _flushes.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The set is being discarded: a failed flush of one of its files no longer matters.
        }

        _flushes = Task.CompletedTask;
        _flushFailures = [];
        while (_unsettled.TryDequeue(out var unsettled))
        {
            unsettled.Dispose();
        }

        _unsettledBytes = 0;
        if (_staging is not null)
        {
            if (System.IO.Directory.Exists(_staging))
            {
                System.IO.Directory.Delete(_staging, recursive: true);
            }

            if (_renamedIntoPlace && _setId is not null)
            {
                // The commit renamed the set into place but did not finish (its folder entry is not known to be on the
                // disk): the backup failed, so the set goes too and the destination is as it was.
                var renamed = Path.Combine(Destination, _setId);
                if (System.IO.Directory.Exists(renamed))
                {
                    System.IO.Directory.Delete(renamed, recursive: true);
                }

                _renamedIntoPlace = false;
            }

            TryDeleteEmpty(Path.Combine(Destination, StagingFolderName));
            _staging = null;
            _setId = null;
        }

        ReleaseLock();
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken)
    {
        var sets = new List<BackupManifest>();
        if (System.IO.Directory.Exists(Destination))
        {
            foreach (var folder in System.IO.Directory.EnumerateDirectories(Destination))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetFileName(folder);
                var manifestPath = Path.Combine(folder, BackupManifest.FileName);
                if (name.StartsWith('.') || !File.Exists(manifestPath))
                {
                    continue;
                }

                sets.Add(ManifestJson.Deserialize(File.ReadAllBytes(manifestPath), manifestPath));
            }
        }

        IReadOnlyList<BackupManifest> ordered = [.. sets.OrderBy(s => s.StartedUtc).ThenBy(s => s.SetId, StringComparer.Ordinal)];
        return ValueTask.FromResult(ordered);
    }

    /// <summary>
    /// Removes the staging folder a killed run left (never a set); only while holding the destination's lock. Returns
    /// whether there was one.
    /// </summary>
    internal static bool RemoveLeftoverStaging(string destination)
    {
        var stagingRoot = Path.Combine(destination, StagingFolderName);
        if (!System.IO.Directory.Exists(stagingRoot))
        {
            return false;
        }

        System.IO.Directory.Delete(stagingRoot, recursive: true);
        return true;
    }

    /// <summary>Deletes a committed set (used when a set must not outlive a failed contract call).</summary>
    public void DeleteSet(string setId)
    {
        var folder = SetFolder(setId);
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Which failures are transient: <see cref="SinkFaults.Classify"/>. An I/O error is permanent (a full disk, a
    /// read-only file system) unless its code is a network share's passing failure.
    /// </summary>
    public SinkFault Classify(Exception exception) => SinkFaults.Classify(exception);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_setId is not null)
        {
            await AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }

        ReleaseLock();
    }

    private string RequireSet() => _staging ?? throw new InvalidOperationException("no set is open: call BeginSetAsync first");

    private static string StagedPath(string staging, string setPath)
    {
        SetPath.Validate(setPath);
        var full = Path.GetFullPath(Path.Combine(staging, setPath.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{setPath}' leaves the set folder", nameof(setPath));
        }

        return full;
    }

    private DirectoryLock AcquireLock() => DirectoryLock.Acquire(Destination, LockFileName);

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private async Task FlushAfterAsync(Task previous, StagedFile file)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await Task.Run(file.FlushToDisk).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Kept for the commit, which must not go ahead; later files are still flushed and closed.
            _flushFailures.Add(new IOException($"'{file.Path}': flushing to the disk failed: {e.Message}", e));
        }
        finally
        {
            file.Dispose();
        }
    }

    /// <summary>Waits for the oldest completed file's bytes to reach the disk (or flushes it alone where range writeback was refused) and closes it.</summary>
    private void SettleOldest()
    {
        var file = _unsettled.Dequeue();
        _unsettledBytes -= file.Length - file.SettledBytes;
        try
        {
            if (!file.Settle())
            {
                file.FlushToDisk();
            }
        }
        finally
        {
            file.Dispose();
        }
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    private static void TryDeleteEmpty(string folder)
    {
        try
        {
            if (System.IO.Directory.Exists(folder) && !System.IO.Directory.EnumerateFileSystemEntries(folder).Any())
            {
                System.IO.Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
        }
    }
}
