namespace ExternalBackup.Sinks.S3;

/// <summary>A journal in a local file, replaced atomically (write a temporary file, then rename).</summary>
internal sealed class FileUploadJournalStore(string path) : IUploadJournalStore
{
    public string Location => path;

    public async ValueTask<UploadJournal?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return UploadJournal.Deserialize(bytes, path);
    }

    public async ValueTask SaveAsync(byte[] document, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(document, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    public ValueTask DeleteAsync(CancellationToken cancellationToken)
    {
        File.Delete(path);
        File.Delete(path + ".tmp");
        return ValueTask.CompletedTask;
    }
}
