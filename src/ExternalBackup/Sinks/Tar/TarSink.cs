using System.Formats.Tar;
using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks.Resilience;

namespace ExternalBackup.Sinks.Tar;

/// <summary>
/// A sink writing a set as one POSIX (pax) tar archive, readable by GNU tar: each file an entry
/// <c>&lt;setId&gt;/&lt;path&gt;</c> (names checked by <see cref="SetPath.Validate"/>), <c>manifest.json</c> the last entry.
/// <para>
/// To a file: the archive is written under a temporary name in the target's folder and renamed to the target by
/// <see cref="CommitAsync"/>; <see cref="AbortAsync"/> deletes it, so the target appears only complete. To a stream
/// (standard output): bytes already written cannot be taken back, so an aborted set leaves an archive without
/// manifest and without its end marker, which tar reports as truncated.
/// </para>
/// <para>
/// A file target's folder is locked while the archive is written (<c>.lock</c> in it, the folder sink's
/// <see cref="FileSystem.DirectoryLock"/>), from before the temporary file is created until it is renamed or deleted:
/// <c>esebackup forget</c> on that folder (<c>tar:DIR</c>) takes the same lock, so it never removes the set an
/// archive being written extends, and it may sweep <c>.partial</c> files no backup is writing. One archive is
/// written into a folder at a time.
/// </para>
/// </summary>
public sealed class TarSink : IBackupSink, ISinkFaultClassifier
{
    private readonly string? _targetPath;
    private readonly string? _tempPath;
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly TarSinkOptions _options;
    private readonly TarWriter _writer;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private FileSystem.DirectoryLock? _lock;
    private BackupSetDescriptor? _set;
    private OpenEntry? _open;
    private bool _finished;

    /// <summary>The name of the lock file a file target's folder holds while an archive is written into it.</summary>
    public const string LockFileName = FileSystem.DirectorySink.LockFileName;

    /// <summary>The end of the temporary files an archive is written under (<c>.&lt;name&gt;.&lt;guid&gt;.partial</c> beside the target).</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>A sink writing the archive to <paramref name="path"/>; fails if the file exists or another archive is being written into its folder.</summary>
    public TarSink(string path, TarSinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options ?? new TarSinkOptions();
        _targetPath = Path.GetFullPath(path);
        if (File.Exists(_targetPath) || System.IO.Directory.Exists(_targetPath))
        {
            throw new IOException($"tar sink: {_targetPath} already exists; it is never overwritten");
        }

        var folder = Path.GetDirectoryName(_targetPath)!;
        System.IO.Directory.CreateDirectory(folder);
        _lock = FileSystem.DirectoryLock.Acquire(folder, LockFileName);
        try
        {
            _tempPath = Path.Combine(folder, $".{Path.GetFileName(_targetPath)}.{Guid.NewGuid():N}{PartialSuffix}");
            _output = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch
        {
            ReleaseLock();
            throw;
        }

        _writer = new TarWriter(_output, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>A sink writing the archive to <paramref name="output"/> (e.g. standard output), closed on dispose unless <paramref name="leaveOpen"/>.</summary>
    public TarSink(Stream output, bool leaveOpen = false, TarSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("tar sink: the output stream is not writable", nameof(output));
        }

        _options = options ?? new TarSinkOptions();
        _output = output;
        _leaveOpen = leaveOpen;
        _writer = new TarWriter(_output, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>The archive's path once committed, or <see langword="null"/> for a stream target.</summary>
    public string? TargetPath => _targetPath;

    /// <inheritdoc/>
    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (_set is not null)
        {
            throw new InvalidOperationException($"tar sink: set {_set.SetId} already begun; one archive holds one set");
        }

        var reason = SetPath.Check(set.SetId) ?? (set.SetId.Contains('/', StringComparison.Ordinal) ? "contains '/'" : null);
        if (reason is not null)
        {
            throw new ArgumentException($"tar sink: set id '{set.SetId}' is not a single safe name ({reason})", nameof(set));
        }

        _set = set;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        RequireActive();
        if (_open is not null)
        {
            throw new InvalidOperationException($"tar sink: {file.Path} opened while {_open.File.Path} is still open");
        }

        var name = EntryName(file.Path);
        if (!_written.Add(name))
        {
            throw new InvalidOperationException($"tar sink: {file.Path} written twice");
        }

        Stream spool = file.ExpectedLength <= _options.InMemoryFileLimit
            ? new MemoryStream(checked((int)Math.Max(0, file.ExpectedLength)))
            : new FileStream(SpoolPath(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        _open = new OpenEntry(file, name, spool);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("tar sink: write with no file open");
        var data = chunk.Data;
        if (chunk.Offset > open.Received)
        {
            throw new InvalidOperationException($"tar sink: {open.File.Path}: write at offset {chunk.Offset} leaves a gap after the {open.Received} bytes written so far");
        }

        if (chunk.Offset < open.Received)
        {
            var seen = open.Received - chunk.Offset;
            if (seen >= data.Length)
            {
                return;
            }

            data = data[(int)seen..];
        }

        open.Hash.AppendData(data.Span);
        await open.Spool.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        open.Received += data.Length;
    }

    /// <inheritdoc/>
    public async ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var open = _open ?? throw new InvalidOperationException($"tar sink: {file.File.Path} completed but no file is open");
        if (open.File.Path != file.File.Path)
        {
            throw new InvalidOperationException($"tar sink: {file.File.Path} completed while {open.File.Path} is open");
        }

        _open = null;
        await using (open.Spool.ConfigureAwait(false))
        {
            var sha = Convert.ToHexStringLower(open.Hash.GetHashAndReset());
            open.Hash.Dispose();
            if (file.Length != open.Received || !string.Equals(file.Sha256, sha, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"tar sink: {file.File.Path}: the pipeline reports {file.Length} bytes with SHA-256 {file.Sha256}, but the sink received {open.Received} bytes with SHA-256 {sha}");
            }

            open.Spool.Position = 0;
            await WriteEntryAsync(open.Name, open.Spool, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        RequireActive();
        if (_open is not null)
        {
            throw new InvalidOperationException($"tar sink: commit while {_open.File.Path} is still open");
        }

        if (manifest.SetId != _set!.SetId)
        {
            throw new InvalidOperationException($"tar sink: manifest of set {manifest.SetId} committed to set {_set.SetId}");
        }

        if (manifest.Files.FirstOrDefault(f => !_written.Contains(EntryName(f.Path))) is { } missing)
        {
            throw new InvalidOperationException($"tar sink: the manifest lists {missing.Path}, which was not written");
        }

        using (var document = new MemoryStream(ManifestJson.Serialize(manifest), writable: false))
        {
            await WriteEntryAsync(EntryName(BackupManifest.FileName), document, cancellationToken).ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;
        if (_targetPath is not null)
        {
            ((FileStream)_output).Flush(flushToDisk: true);
            await _output.DisposeAsync().ConfigureAwait(false);
            File.Move(_tempPath!, _targetPath, overwrite: false);
            ReleaseLock();
        }
    }

    /// <inheritdoc/>
    public async ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (_open is { } open)
        {
            _open = null;
            open.Hash.Dispose();
            await open.Spool.DisposeAsync().ConfigureAwait(false);
        }

        if (_tempPath is not null)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
            File.Delete(_tempPath);
            ReleaseLock();
        }
    }

    /// <summary>
    /// Which failures are transient: <see cref="SinkFaults.Classify"/> (a write repeated at an offset already
    /// written is skipped, so a retried write does not duplicate bytes in the archive).
    /// </summary>
    public SinkFault Classify(Exception exception) => SinkFaults.Classify(exception);

    /// <summary>Ends the sink; a set neither committed nor aborted is aborted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished && _tempPath is not null)
        {
            await AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_open is { } open)
        {
            open.Hash.Dispose();
            await open.Spool.DisposeAsync().ConfigureAwait(false);
        }

        if (_tempPath is not null || !_leaveOpen)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }

        ReleaseLock();
    }

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private async ValueTask WriteEntryAsync(string name, Stream data, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = _set!.StartedUtc,
        };
        await _writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private string EntryName(string path)
    {
        SetPath.Validate(path);
        return _options.SetFolder ? $"{_set!.SetId}/{path}" : path;
    }

    private string SpoolPath()
    {
        var folder = _options.SpoolDirectory
            ?? (_targetPath is not null ? Path.GetDirectoryName(_targetPath)! : Path.GetTempPath());
        return Path.Combine(folder, $".tar-spool.{Guid.NewGuid():N}");
    }

    private void RequireActive()
    {
        if (_set is null)
        {
            throw new InvalidOperationException("tar sink: no set begun");
        }

        if (_finished)
        {
            throw new InvalidOperationException($"tar sink: set {_set.SetId} is already committed or aborted");
        }
    }

    private sealed class OpenEntry(BackupFileDescriptor file, string name, Stream spool)
    {
        public BackupFileDescriptor File { get; } = file;

        public string Name { get; } = name;

        public Stream Spool { get; } = spool;

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Received { get; set; }
    }
}
