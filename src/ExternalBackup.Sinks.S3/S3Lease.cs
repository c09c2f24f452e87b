using System.Globalization;
using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Polly;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The lease that keeps <c>esebackup forget</c> and backups apart under one S3 prefix, best effort: the store may
/// have no conditional PUT (Swift 2.30's S3 API answers <c>If-None-Match: *</c> with NotImplemented), so each side
/// first writes its own lease object and then reads the other side's, and stops if it finds one that is not stale:
/// <list type="bullet">
/// <item>a backup: PUT <c>&lt;prefix&gt;/.lease.&lt;holder&gt;</c>, then GET <c>&lt;prefix&gt;/.lock</c>; DELETE
/// its lease once the set is committed or aborted (one small PUT and one DELETE per set; backups do not exclude each
/// other);</item>
/// <item>forget: PUT <c>&lt;prefix&gt;/.lock</c>, then list the backups' leases, then GET <c>.lock</c> again (another
/// forget may have overwritten it); DELETE it when done.</item>
/// </list>
/// Whichever side writes last sees the other's lease, so forget never removes sets while a backup that began before
/// it is being written (both may refuse, which is safe), as long as the store's reads and listings follow its writes
/// (AWS S3; Swift once its container listing is updated). A lease holds its holder, what it is doing and when it was
/// taken (the holder's clock); one older than <see cref="S3SinkOptions.StaleUploadAge"/> (whose uploads are aborted
/// as stale by then too) is stale: it was left by a killed process and is broken, with event 6007.
/// </summary>
internal sealed class S3Lease : IAsyncDisposable
{
    /// <summary>The name of forget's lease below the prefix.</summary>
    public const string ForgetLeaseName = ".lock";

    /// <summary>The start of a backup's lease name below the prefix (the rest is its holder id).</summary>
    public const string BackupLeasePrefix = ".lease.";

    private const string TakenLine = "taken ";

    private readonly Store _store;
    private readonly string _key;
    private bool _released;

    private S3Lease(Store store, string key)
    {
        _store = store;
        _key = key;
    }

    /// <summary>Takes a backup's lease for set <paramref name="setId"/>, or throws <see cref="IOException"/> naming forget's lease when forget holds the prefix.</summary>
    public static async ValueTask<S3Lease> TakeForBackupAsync(Store store, string setId, CancellationToken cancellationToken)
    {
        var lease = new S3Lease(store, store.Layout.Root + BackupLeasePrefix + Guid.NewGuid().ToString("N"));
        await store.PutAsync(lease._key, $"backup of set {setId}", cancellationToken).ConfigureAwait(false);
        try
        {
            var forgetKey = store.Layout.Root + ForgetLeaseName;
            if (await store.ReadAsync(forgetKey, cancellationToken).ConfigureAwait(false) is { } held)
            {
                if (!store.IsStale(held))
                {
                    throw new IOException($"{store.Location}: forget is removing sets: its lease {store.Describe(forgetKey)} is held by {held.Holder} since {held.Taken:O}; the backup did not begin (a lease older than {store.StaleAfter} is broken)");
                }

                await store.BreakAsync(forgetKey, held).ConfigureAwait(false);
            }

            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes forget's lease, or throws <see cref="IOException"/> naming a backup's (or another forget's) lease; breaks stale ones.</summary>
    public static async ValueTask<S3Lease> TakeForForgetAsync(Store store, CancellationToken cancellationToken)
    {
        var key = store.Layout.Root + ForgetLeaseName;
        if (await store.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } other)
        {
            if (!store.IsStale(other))
            {
                throw new IOException($"{store.Location}: another forget is removing sets: its lease {store.Describe(key)} is held by {other.Holder} since {other.Taken:O}; nothing was removed (a lease older than {store.StaleAfter} is broken)");
            }

            await store.BreakAsync(key, other).ConfigureAwait(false);
        }

        var lease = new S3Lease(store, key);
        var holder = await store.PutAsync(key, "forget", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var backup in await S3Cleanup.ListObjectsAsync(store.Client, store.Pipeline, store.Bucket, store.Layout.Root + BackupLeasePrefix, cancellationToken).ConfigureAwait(false))
            {
                if (await store.ReadAsync(backup.Key, cancellationToken).ConfigureAwait(false) is not { } held)
                {
                    continue;
                }

                if (!store.IsStale(held))
                {
                    throw new IOException($"{store.Location}: a backup is writing into it: its lease {store.Describe(backup.Key)} is held by {held.Holder} since {held.Taken:O}; nothing was removed (a lease older than {store.StaleAfter} is broken)");
                }

                await store.BreakAsync(backup.Key, held).ConfigureAwait(false);
            }

            if (await store.ReadAsync(key, cancellationToken).ConfigureAwait(false) is not { } mine || mine.Holder != holder)
            {
                lease._released = true;
                throw new IOException($"{store.Location}: another forget took the lease {store.Describe(key)} at the same time; nothing was removed");
            }

            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes the lease (a failure is logged: the lease turns stale and is broken later).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _ = await S3Cleanup.DeleteAsync(_store.Client, _store.Pipeline, _store.Bucket, _key, _store.Logger).ConfigureAwait(false);
    }

    /// <summary>A lease as read: who holds it and since when.</summary>
    internal sealed record Held(string Holder, DateTimeOffset Taken);

    /// <summary>Where leases are kept and how they are read, written and judged.</summary>
    internal sealed record Store(IAmazonS3 Client, ResiliencePipeline Pipeline, string Bucket, S3ObjectLayout Layout, TimeSpan StaleAfter, TimeProvider Time, ILogger Logger)
    {
        /// <summary>The prefix, as <c>s3://bucket/prefix</c>.</summary>
        public string Location => Layout.Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Layout.Prefix}";

        /// <summary>A key, as <c>s3://bucket/key</c>.</summary>
        public string Describe(string key) => $"s3://{Bucket}/{key}";

        /// <summary>Whether <paramref name="held"/> was taken longer than <see cref="StaleAfter"/> ago.</summary>
        public bool IsStale(Held held) => Time.GetUtcNow() - held.Taken > StaleAfter;

        /// <summary>Writes a lease for <paramref name="doing"/> at <paramref name="key"/>; returns the holder text written.</summary>
        public async ValueTask<string> PutAsync(string key, string doing, CancellationToken cancellationToken)
        {
            var holder = string.Create(CultureInfo.InvariantCulture, $"{doing} by process {Environment.ProcessId} on {Environment.MachineName} (lease {Guid.NewGuid():N})");
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{TakenLine}{Time.GetUtcNow():O}\n{holder}\n"));
            await Pipeline.ExecuteAsync(async ct => await Client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                InputStream = new MemoryStream(body, writable: false),
                UseChunkEncoding = false,
                ContentType = "text/plain",
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return holder;
        }

        /// <summary>The lease at <paramref name="key"/>, or <see langword="null"/> when there is none; one that cannot be parsed is held by "an unreadable lease" taken long ago (stale).</summary>
        public async ValueTask<Held?> ReadAsync(string key, CancellationToken cancellationToken)
        {
            string text;
            try
            {
                text = await Pipeline.ExecuteAsync(async ct =>
                {
                    using var response = await Client.GetObjectAsync(Bucket, key, ct).ConfigureAwait(false);
                    using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
                    return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var lines = text.Split('\n', 3);
            return lines.Length >= 2 && lines[0].StartsWith(TakenLine, StringComparison.Ordinal)
                && DateTimeOffset.TryParse(lines[0][TakenLine.Length..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var taken)
                ? new Held(lines[1].Trim(), taken)
                : new Held("an unreadable lease", DateTimeOffset.MinValue);
        }

        /// <summary>Deletes the stale lease at <paramref name="key"/>, logging it (event 6007).</summary>
        public async ValueTask BreakAsync(string key, Held held)
        {
            S3SinkLog.LeaseBroken(Logger, Bucket, key, held.Holder, held.Taken, StaleAfter);
            if (!await S3Cleanup.DeleteAsync(Client, Pipeline, Bucket, key, Logger).ConfigureAwait(false))
            {
                throw new IOException($"cannot break the stale lease {Describe(key)} (logged)");
            }
        }
    }
}
