using Amazon.S3.Model;
using ExternalBackup.Repository;
using ExternalBackup.Tests.Repository;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>The repository contract on an S3 prefix written by <see cref="S3Sink"/>, against the real Swift the tests start.</summary>
[TestFixture]
public sealed class S3RepositoryTests : BackupRepositoryContract
{
    private S3TestStore? _store;

    [TearDown]
    public async Task Clean()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    internal override async Task<IBackupRepository> WriteAsync(IReadOnlyList<ContractSet> sets)
    {
        _store = await S3TestStore.CreateAsync();
        foreach (var set in sets)
        {
            await using var sink = new S3Sink(_store.SinkOptions());
            await set.WriteAsync(sink);
        }

        return Reopen();
    }

    internal override async Task WriteUncommittedAsync(ContractSet set)
    {
        // An interrupted set: its objects and journal stay for a resume, it has no manifest.
        await using var sink = new S3Sink(_store!.SinkOptions());
        await set.WriteAsync(sink, commit: false);
    }

    internal override IBackupRepository Reopen() => new S3Repository(_store!.SinkOptions());

    protected override Task ReplaceFileAsync(string setName, string path, byte[] bytes) => PutAsync($"backups/{setName}/{path}", bytes);

    protected override Task RemoveFileAsync(string setName, string path) => _store!.Client.DeleteObjectAsync(_store.Bucket, $"backups/{setName}/{path}");

    protected override Task ReplaceManifestAsync(string setName, byte[] manifest) => PutAsync($"backups/{setName}/manifest.json", manifest);

    [Test]
    public async Task A_prefix_with_no_set_lists_none_and_verification_says_there_is_nothing_to_verify()
    {
        _store = await S3TestStore.CreateAsync();
        await using var repository = new S3Repository(_store.SinkOptions(prefix: "empty"));
        Assert.That(await repository.ListSetsAsync(CancellationToken.None), Is.Empty);
        var verification = await Restore.ChainRestore.VerifyAsync(repository, null, null, CancellationToken.None);
        Assert.That(verification.Ok, Is.False);
        Assert.That(verification.Problems.Single(), Does.Contain("holds no committed backup set"));
    }

    private Task PutAsync(string key, byte[] bytes) =>
        _store!.Client.PutObjectAsync(new PutObjectRequest { BucketName = _store.Bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false });
}
