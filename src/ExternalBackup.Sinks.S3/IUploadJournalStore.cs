namespace ExternalBackup.Sinks.S3;

/// <summary>Where a set's <see cref="UploadJournal"/> is kept.</summary>
internal interface IUploadJournalStore
{
    /// <summary>Where the journal lives, for messages.</summary>
    string Location { get; }

    ValueTask<UploadJournal?> LoadAsync(CancellationToken cancellationToken);

    ValueTask SaveAsync(byte[] document, CancellationToken cancellationToken);

    ValueTask DeleteAsync(CancellationToken cancellationToken);
}
