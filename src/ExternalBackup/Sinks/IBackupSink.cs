using ExternalBackup.Manifest;

namespace ExternalBackup.Sinks;

/// <summary>
/// Where a backup set goes. The pipeline calls, in this order: <see cref="BeginSetAsync"/>, then for each file
/// <see cref="OpenFileAsync"/>, <see cref="WriteAsync"/> (in offset order, one file at a time),
/// <see cref="CompleteFileAsync"/>; then <see cref="CommitAsync"/> once, or <see cref="AbortAsync"/> on any failure.
/// <para>
/// A set is visible to readers only after <see cref="CommitAsync"/> returns, and is then durable. After
/// <see cref="AbortAsync"/>, or a crash, the destination holds what it held before <see cref="BeginSetAsync"/>.
/// </para>
/// <para>
/// Retries: every call may be repeated with the same arguments after a failure (a chunk carries its offset, so a
/// repeated write is idempotent). The chunk's memory is valid only until <see cref="WriteAsync"/> returns; a sink
/// that keeps bytes longer copies them.
/// </para>
/// Optional abilities are separate interfaces: <see cref="IBackupSetCatalog"/>.
/// </summary>
public interface IBackupSink : IAsyncDisposable
{
    /// <summary>Starts a new set. Nothing of it is visible until <see cref="CommitAsync"/>.</summary>
    ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken);

    /// <summary>Starts a file of the set.</summary>
    ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken);

    /// <summary>Writes bytes of the open file at <see cref="BackupChunk.Offset"/>.</summary>
    ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken);

    /// <summary>Ends the open file; <paramref name="file"/> carries its final length and SHA-256.</summary>
    ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken);

    /// <summary>Makes the set durable and visible, with <paramref name="manifest"/> written last.</summary>
    ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken);

    /// <summary>Discards everything of the set written so far. Safe to call at any point, and more than once.</summary>
    ValueTask AbortAsync(CancellationToken cancellationToken);
}
