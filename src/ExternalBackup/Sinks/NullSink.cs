using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks;

/// <summary>A sink that keeps nothing: for dry runs, verification passes and benchmarks of the reading side.</summary>
public sealed class NullSink : IBackupSink
{
    /// <summary>Bytes received since creation.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The manifest of the last committed set, if any.</summary>
    public BackupManifest? LastCommitted { get; private set; }

    /// <inheritdoc />
    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        BytesWritten += chunk.Data.Length;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        LastCommitted = manifest;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AbortAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
