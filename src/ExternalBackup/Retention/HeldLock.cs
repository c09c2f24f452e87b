namespace ExternalBackup.Retention;

/// <summary>A destination's lock as <see cref="IBackupSetRemover.LockAsync"/> returns it; <see langword="null"/> holds nothing.</summary>
internal sealed class HeldLock(IDisposable? held) : IAsyncDisposable
{
    /// <summary>Releases the lock.</summary>
    public ValueTask DisposeAsync()
    {
        held?.Dispose();
        return ValueTask.CompletedTask;
    }
}
