namespace ExternalBackup.Sinks.S3;

/// <summary>
/// Holds a set's <see cref="UploadJournal"/> and saves it after changes. Concurrent flushes coalesce: a flush
/// returns once a save that includes every change made before it has finished.
/// </summary>
internal sealed class JournalWriter(UploadJournal journal, IUploadJournalStore store) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private long _version;
    private long _saved = -1;

    public IUploadJournalStore Store => store;

    /// <summary>Reads the journal under the lock.</summary>
    public T Read<T>(Func<UploadJournal, T> read)
    {
        lock (_gate)
        {
            return read(journal);
        }
    }

    /// <summary>Changes the journal under the lock; call <see cref="FlushAsync"/> to make the change durable.</summary>
    public void Update(Action<UploadJournal> change)
    {
        lock (_gate)
        {
            change(journal);
            _version++;
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        long wanted;
        lock (_gate)
        {
            wanted = _version;
        }

        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_saved >= wanted)
            {
                return;
            }

            byte[] document;
            long version;
            lock (_gate)
            {
                document = journal.Serialize();
                version = _version;
            }

            await store.SaveAsync(document, cancellationToken).ConfigureAwait(false);
            _saved = version;
        }
        finally
        {
            _saving.Release();
        }
    }

    public void Dispose() => _saving.Dispose();
}
