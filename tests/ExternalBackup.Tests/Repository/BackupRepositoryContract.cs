using System.Security.Cryptography;
using System.Text;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Retention;
using ExternalBackup.Sinks;

namespace ExternalBackup.Tests.Repository;

/// <summary>A file of a contract set: its path in the set, kind and bytes.</summary>
internal sealed record ContractFile(string Path, BackupFileKind Kind, byte[] Bytes)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));
}

/// <summary>A set the contract writes through a sink.</summary>
internal sealed record ContractSet(BackupSetDescriptor Descriptor, IReadOnlyList<ContractFile> Files)
{
    public string Id => Descriptor.SetId;

    public BackupManifest Manifest() => new()
    {
        SetId = Descriptor.SetId,
        Kind = Descriptor.Kind,
        StartedUtc = Descriptor.StartedUtc,
        CompletedUtc = Descriptor.StartedUtc.AddMinutes(1),
        Instance = Descriptor.Instance,
        Source = "contract",
        LogBaseName = "edb",
        LogGenerations = Files.Any(f => f.Kind == BackupFileKind.Log) ? new LogGenerationRange(Files.Where(f => f.Kind == BackupFileKind.Log).Min(Generation), Files.Where(f => f.Kind == BackupFileKind.Log).Max(Generation)) : null,
        Files = [.. Files.Select(f => new ManifestFile { Path = f.Path, Kind = f.Kind, Bytes = f.Bytes.LongLength, Sha256 = f.Sha256, Generation = f.Kind == BackupFileKind.Log ? Generation(f) : null })],
    };

    public static long Generation(ContractFile f) => Convert.ToInt64(System.IO.Path.GetFileNameWithoutExtension(f.Path)[3..], 16);

    /// <summary>Drives a sink as the pipeline does; commits unless told not to.</summary>
    public async Task WriteAsync(IBackupSink sink, bool commit = true)
    {
        await sink.BeginSetAsync(Descriptor, CancellationToken.None);
        foreach (var file in Files)
        {
            var descriptor = new BackupFileDescriptor(file.Path, file.Kind, file.Bytes.LongLength, "/instance/" + file.Path);
            await sink.OpenFileAsync(descriptor, CancellationToken.None);
            for (var offset = 0; offset < file.Bytes.Length; offset += 40_000)
            {
                await sink.WriteAsync(new BackupChunk(offset, file.Bytes.AsMemory(offset, Math.Min(40_000, file.Bytes.Length - offset)).ToArray()), CancellationToken.None);
            }

            await sink.CompleteFileAsync(new CompletedFile(descriptor, file.Bytes.LongLength, file.Sha256), CancellationToken.None);
        }

        if (commit)
        {
            await sink.CommitAsync(Manifest(), CancellationToken.None);
        }
    }
}

/// <summary>
/// The contract every <see cref="IBackupRepository"/> runs (like restic's backend tests): the same sets are written
/// through the destination's sink, then listed and read back; damaged, hostile and malformed content is refused with
/// one line naming the set, the file and the cause, and never more bytes than the manifest gives are read.
/// A destination joins by deriving from this fixture and saying how to write and how to tamper.
/// </summary>
public abstract class BackupRepositoryContract
{
    internal static readonly DateTimeOffset Start = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    /// <summary>A full set (two databases in two folders, logs 1..3, a checkpoint), an incremental (logs 3..5), a differential (logs 4..6).</summary>
    internal static IReadOnlyList<ContractSet> Sets { get; } =
    [
        new(new BackupSetDescriptor("s1-full", BackupKind.Full, Start, "contract-instance"),
        [
            new("databases/a/catdb", BackupFileKind.Database, Bytes(300_000, 1)),
            new("databases/b/catdb", BackupFileKind.Database, Bytes(150_001, 2)),
            new("logs/edb00001.log", BackupFileKind.Log, Bytes(65_536, 3)),
            new("logs/edb00002.log", BackupFileKind.Log, Bytes(65_536, 4)),
            new("logs/edb00003.log", BackupFileKind.Log, Bytes(65_536, 5)),
            new("checkpoint/edb.chk", BackupFileKind.Checkpoint, Bytes(8192, 6)),
            new("documents/writer.xml", BackupFileKind.Other, Encoding.UTF8.GetBytes("<writer/>")),
            new("documents/empty", BackupFileKind.Other, []),
        ]),
        new(new BackupSetDescriptor("s2-incremental", BackupKind.Incremental, Start.AddHours(1), "contract-instance"),
        [
            new("logs/edb00003.log", BackupFileKind.Log, Bytes(65_536, 7)),
            new("logs/edb00004.log", BackupFileKind.Log, Bytes(65_536, 8)),
            new("logs/edb00005.log", BackupFileKind.Log, Bytes(65_536, 9)),
        ]),
        new(new BackupSetDescriptor("s3-differential", BackupKind.Differential, Start.AddHours(2), "contract-instance"),
        [
            new("logs/edb00004.log", BackupFileKind.Log, Bytes(65_536, 10)),
            new("logs/edb00005.log", BackupFileKind.Log, Bytes(65_536, 11)),
            new("logs/edb00006.log", BackupFileKind.Log, Bytes(65_536, 12)),
        ]),
    ];

    /// <summary>The contract's files are random bytes, not ESE files: verification compares lengths and SHA-256 only.</summary>
    internal static RestoreOptions Bytewise { get; } = new() { VerifyContent = false };

    internal static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="sets"/> (committed) into a fresh destination and opens its repository.</summary>
    internal abstract Task<IBackupRepository> WriteAsync(IReadOnlyList<ContractSet> sets);

    /// <summary>Writes <paramref name="set"/> without committing it (a killed or interrupted backup) into the destination of the last <see cref="WriteAsync"/>.</summary>
    internal abstract Task WriteUncommittedAsync(ContractSet set);

    /// <summary>Replaces the stored bytes of <paramref name="path"/> in set <paramref name="setName"/>.</summary>
    protected abstract Task ReplaceFileAsync(string setName, string path, byte[] bytes);

    /// <summary>Removes <paramref name="path"/> from set <paramref name="setName"/>.</summary>
    protected abstract Task RemoveFileAsync(string setName, string path);

    /// <summary>Replaces the stored manifest of set <paramref name="setName"/> with raw bytes.</summary>
    protected abstract Task ReplaceManifestAsync(string setName, byte[] manifest);

    /// <summary>Reopens the repository of the last <see cref="WriteAsync"/> (after tampering).</summary>
    internal abstract IBackupRepository Reopen();

    [Test]
    public async Task Lists_committed_sets_oldest_first_with_their_manifests_and_reads_every_file_back_byte_identically()
    {
        await using var repository = await WriteAsync(Sets);
        await WriteUncommittedAsync(new ContractSet(new BackupSetDescriptor("s4-interrupted", BackupKind.Incremental, Start.AddHours(3), "contract-instance"), [new("logs/edb00007.log", BackupFileKind.Log, Bytes(1000, 13))]));
        await using var reopened = Reopen();
        var sets = await reopened.ListSetsAsync(CancellationToken.None);
        Assert.That(sets.Select(s => s.Name), Is.EqualTo(new[] { "s1-full", "s2-incremental", "s3-differential" }), "the interrupted set is not a set");
        for (var i = 0; i < sets.Count; i++)
        {
            Assert.That(ManifestJson.Serialize(sets[i].Manifest), Is.EqualTo(ManifestJson.Serialize(Sets[i].Manifest())));
            Assert.That(sets[i].NameMatchesManifest, Is.True);
            Assert.That(ManifestJson.Serialize(await reopened.ReadManifestAsync(sets[i].Name, CancellationToken.None)), Is.EqualTo(ManifestJson.Serialize(Sets[i].Manifest())));
            foreach (var (file, source) in sets[i].Manifest.Files.Zip(Sets[i].Files))
            {
                await using var stream = await reopened.OpenFileAsync(sets[i], file, CancellationToken.None);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                Assert.That(copy.ToArray(), Is.EqualTo(source.Bytes), $"{sets[i].Name}/{file.Path}");
            }
        }

        var verification = await ChainRestore.VerifyAsync(reopened, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Problems, Is.Empty);
        Assert.That(verification.Sets.Select(s => s.Name), Is.EqualTo(new[] { "s1-full", "s2-incremental", "s3-differential" }));
    }

    [Test]
    public async Task A_set_that_is_not_stored_is_named_in_one_line()
    {
        await using var repository = await WriteAsync(Sets);
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await repository.ReadManifestAsync("nope", CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("no committed set named 'nope'"));
    }

    [Test]
    public async Task A_stored_file_longer_than_its_manifest_is_refused_and_no_byte_past_the_manifest_is_read()
    {
        await using var _ = await WriteAsync(Sets);
        await ReplaceFileAsync("s1-full", "checkpoint/edb.chk", Bytes(8192 * 64, 99));
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[0];
        var file = set.Manifest.Files.Single(f => f.Path == "checkpoint/edb.chk");
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, file));
        Assert.That(e!.Message, Does.Contain("set 's1-full'").And.Contain("'checkpoint/edb.chk'").And.Contain("8192"));
    }

    [Test]
    public async Task A_stored_file_shorter_than_its_manifest_is_refused()
    {
        await using var _ = await WriteAsync(Sets);
        await ReplaceFileAsync("s2-incremental", "logs/edb00004.log", Bytes(1000, 99));
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[1];
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, set.Manifest.Files[1]));
        Assert.That(e!.Message, Does.Contain("'logs/edb00004.log'").And.Contain("65536"));
    }

    [Test]
    public async Task A_missing_file_is_named()
    {
        await using var _ = await WriteAsync(Sets);
        await RemoveFileAsync("s1-full", "databases/b/catdb");
        await using var repository = Reopen();
        var set = (await repository.ListSetsAsync(CancellationToken.None))[0];
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ReadAllAsync(repository, set, set.Manifest.Files[1]));
        Assert.That(e!.Message, Does.Contain("'databases/b/catdb' is missing"));
        var verification = await ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Ok, Is.False);
        Assert.That(verification.AllProblems, Has.Some.Contains("'databases/b/catdb' is missing"));
    }

    [Test]
    public async Task A_file_of_the_right_size_with_other_bytes_fails_verification_and_restore_naming_it()
    {
        await using var _ = await WriteAsync(Sets);
        await ReplaceFileAsync("s2-incremental", "logs/edb00005.log", Bytes(65_536, 98));
        await using var repository = Reopen();
        var verification = await ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Ok, Is.False);
        Assert.That(verification.Sets[1].Problems, Has.Some.Contains("'logs/edb00005.log' has SHA-256"));
        using var scratch = new Common.ScratchDirectory("contract-restore");
        var target = Path.Combine(scratch.Path, "restored");
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ChainRestore.RestoreAsync(repository, target, "s2-incremental", null, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("edb00005.log"));
        Assert.That(Directory.Exists(target), Is.False, "a failed restore leaves the target as it was");
        Assert.That(Directory.EnumerateFileSystemEntries(scratch.Path), Is.Empty, "and no staging folder");
    }

    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":null}", "'files' is null")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[],\"databases\":null}", "'databases' is null")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[null]}", "files[0] is null")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"logs/edb00001.log\",\"kind\":\"log\",\"bytes\":1,\"sha256\":\"" + Zero + "\"},{\"path\":\"logs/edb00001.log\",\"kind\":\"log\",\"bytes\":1,\"sha256\":\"" + Zero + "\"}]}", "'logs/edb00001.log' is listed twice")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"logs/a.log\",\"kind\":\"log\",\"bytes\":1,\"sha256\":\"" + Zero + "\",\"generation\":4},{\"path\":\"logs/b.log\",\"kind\":\"log\",\"bytes\":1,\"sha256\":\"" + Zero + "\",\"generation\":4}]}", "log generation 4, which 'logs/a.log' already is")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"databases/x\",\"kind\":\"database\",\"bytes\":9223372036854775807,\"sha256\":\"" + Zero + "\"}]}", "absurd size")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"databases/x\",\"kind\":\"database\",\"bytes\":-1,\"sha256\":\"" + Zero + "\"}]}", "absurd size")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"../../etc/passwd\",\"kind\":\"other\",\"bytes\":1,\"sha256\":\"" + Zero + "\"}]}", "unsafe path")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"x\",\"kind\":7,\"bytes\":1,\"sha256\":\"" + Zero + "\"}]}", "has kind 7")]
    [TestCase("{\"formatVersion\":99,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[]}", "format version 99 is not supported")]
    [TestCase("{\"formatVersion\":1,\"setId\":\"s1-full\",\"kind\":\"full\",\"startedUtc\":\"2026-11-22T04:00:00Z\",\"completedUtc\":\"2026-11-22T04:01:00Z\",\"instance\":\"i\",\"source\":\"s\",\"files\":[{\"path\":\"x\",\"kind\":\"other\",\"bytes\":1,\"sha256\":null}]}", "has no SHA-256")]
    [TestCase("[1,2", "not a valid manifest")]
    public async Task A_malformed_manifest_gets_one_clear_line_naming_it_and_the_cause(string json, string cause)
    {
        await using var _ = await WriteAsync(Sets);
        await ReplaceManifestAsync("s1-full", Encoding.UTF8.GetBytes(json));
        await using var repository = Reopen();
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await repository.ListSetsAsync(CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("manifest.json").And.Contain(cause).And.Not.Contain("\n"));
        var verification = await ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Ok, Is.False);
        Assert.That(verification.Problems, Has.Some.Contains(cause));
    }

    private const string Zero = "0000000000000000000000000000000000000000000000000000000000000000";

    [Test]
    public async Task Verification_finds_a_chain_with_a_missing_incremental()
    {
        var gap = new ContractSet(new BackupSetDescriptor("s3-after-gap", BackupKind.Incremental, Start.AddHours(2), "contract-instance"),
            [new("logs/edb00009.log", BackupFileKind.Log, Bytes(1000, 20))]);
        await using var repository = await WriteAsync([Sets[0], gap]);
        var verification = await ChainRestore.VerifyAsync(repository, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Ok, Is.False);
        Assert.That(verification.Sets[1].Problems, Has.Some.Contains("chain is not complete").And.Contains("missing"));
        Assert.That(verification.Sets[0].Ok, Is.True);
        using var scratch = new Common.ScratchDirectory("contract-gap");
        var e = Assert.ThrowsAsync<InvalidDataException>(async () => await ChainRestore.RestoreAsync(repository, Path.Combine(scratch.Path, "t"), null, null, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("s3-after-gap"));
    }

    [Test]
    public async Task Restores_every_chain_byte_identically_with_its_recovery_plan()
    {
        await using var repository = await WriteAsync(Sets);
        using var scratch = new Common.ScratchDirectory("contract-restore");
        var target = Path.Combine(scratch.Path, "restored");
        var plan = await ChainRestore.RestoreAsync(repository, target, "s2-incremental", null, CancellationToken.None);
        Assert.That(plan.Sets, Is.EqualTo(new[] { "s1-full", "s2-incremental" }));
        Assert.That((plan.GenLow, plan.GenHigh, plan.LogBaseName), Is.EqualTo(((long?)1, (long?)5, "edb")));
        Assert.That(plan.CheckpointPath, Is.EqualTo(Path.Combine(target, "checkpoint", "edb.chk")));
        Assert.That(plan.LogFolder, Is.EqualTo(Path.Combine(target, "logs")));
        Assert.That(plan.Databases.Select(d => d.RestoredPath), Is.EqualTo(new[] { Path.Combine(target, "databases", "a", "catdb"), Path.Combine(target, "databases", "b", "catdb") }));
        var expected = new Dictionary<string, byte[]>
        {
            ["databases/a/catdb"] = Sets[0].Files[0].Bytes,
            ["databases/b/catdb"] = Sets[0].Files[1].Bytes,
            ["logs/edb00001.log"] = Sets[0].Files[2].Bytes,
            ["logs/edb00002.log"] = Sets[0].Files[3].Bytes,
            ["logs/edb00003.log"] = Sets[1].Files[0].Bytes,
            ["logs/edb00004.log"] = Sets[1].Files[1].Bytes,
            ["logs/edb00005.log"] = Sets[1].Files[2].Bytes,
            ["checkpoint/edb.chk"] = Sets[0].Files[5].Bytes,
            ["documents/writer.xml"] = Sets[0].Files[6].Bytes,
            ["documents/empty"] = [],
        };
        var restored = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f).Replace('\\', '/')).Where(f => f != RestorePlan.FileName).Order(StringComparer.Ordinal);
        Assert.That(restored, Is.EqualTo(expected.Keys.Order(StringComparer.Ordinal)));
        foreach (var (path, bytes) in expected)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(target, path)), Is.EqualTo(bytes), path);
        }

        var newest = await ChainRestore.RestoreAsync(repository, Path.Combine(scratch.Path, "newest"), null, null, CancellationToken.None);
        Assert.That(newest.GenHigh, Is.EqualTo(6));
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "newest", "logs", "edb00006.log")), Is.EqualTo(Sets[2].Files[2].Bytes));
    }

    /// <summary>A second full set after the contract's chain: a policy keeping the last set removes the whole first chain.</summary>
    internal static ContractSet SecondFull { get; } = new(new BackupSetDescriptor("s4-full", BackupKind.Full, Start.AddHours(3), "contract-instance"),
    [
        new("databases/a/catdb", BackupFileKind.Database, Bytes(70_000, 30)),
        new("logs/edb00007.log", BackupFileKind.Log, Bytes(65_536, 31)),
    ]);

    [Test]
    public async Task Removal_takes_the_manifest_first_and_a_set_whose_removal_was_interrupted_is_no_set_and_is_swept()
    {
        await using var repository = await WriteAsync(Sets);
        var remover = (IBackupSetRemover)repository;
        await using (await remover.LockAsync(CancellationToken.None))
        {
            var sets = await repository.ListSetsAsync(CancellationToken.None);
            await remover.RemoveManifestAsync(sets[2], CancellationToken.None);

            // Interrupted here: the differential is not a committed set any more, the others are whole.
            await using (var reopened = Reopen())
            {
                Assert.That((await reopened.ListSetsAsync(CancellationToken.None)).Select(s => s.Name), Is.EqualTo(new[] { "s1-full", "s2-incremental" }));
                var verification = await ChainRestore.VerifyAsync(reopened, null, Bytewise, CancellationToken.None);
                Assert.That(verification.Problems, Is.Empty);
                Assert.That(verification.Ok, Is.True);
            }

            var swept = await ((IBackupSetRemover)Reopen()).SweepAsync(CancellationToken.None);
            Assert.That(string.Join("\n", swept), Does.Not.Contain("s1-full").And.Not.Contain("s2-incremental"));
            Assert.That(await ((IBackupSetRemover)Reopen()).SweepAsync(CancellationToken.None), Is.Empty, "nothing is left to sweep");
            await remover.RemoveManifestAsync(sets[1], CancellationToken.None);
            await remover.RemoveFilesAsync(sets[1], CancellationToken.None);
        }

        await using var after = Reopen();
        var left = await after.ListSetsAsync(CancellationToken.None);
        Assert.That(left.Select(s => s.Name), Is.EqualTo(new[] { "s1-full" }));
        foreach (var file in left[0].Manifest.Files)
        {
            await ReadAllAsync(after, left[0], file);
        }
    }

    [Test]
    public async Task Forget_removes_what_the_policy_does_not_keep_newest_first_and_the_kept_chain_restores()
    {
        await using var repository = await WriteAsync([.. Sets, SecondFull]);
        var dry = await Forget.RunAsync(repository, (IBackupSetRemover)repository, new RetentionPolicy { KeepLast = 1 }, dryRun: true, null, CancellationToken.None);
        Assert.That(dry.Removed, Is.Empty);
        Assert.That(dry.Plan.Removals.Select(d => d.Set.Name), Is.EqualTo(new[] { "s3-differential", "s2-incremental", "s1-full" }));
        await using (var unchanged = Reopen())
        {
            Assert.That(await unchanged.ListSetsAsync(CancellationToken.None), Has.Count.EqualTo(4), "a dry run removes nothing");
        }

        var result = await Forget.RunAsync(repository, (IBackupSetRemover)repository, new RetentionPolicy { KeepLast = 1 }, dryRun: false, null, CancellationToken.None);
        Assert.That(result.Removed, Is.EqualTo(new[] { "s3-differential", "s2-incremental", "s1-full" }));
        await using var after = Reopen();
        Assert.That((await after.ListSetsAsync(CancellationToken.None)).Select(s => s.Name), Is.EqualTo(new[] { "s4-full" }));
        var verification = await ChainRestore.VerifyAsync(after, null, Bytewise, CancellationToken.None);
        Assert.That(verification.Ok, Is.True, string.Join("; ", verification.AllProblems));
    }

    internal static async Task ReadAllAsync(IBackupRepository repository, StoredSet set, ManifestFile file)
    {
        await using var stream = await repository.OpenFileAsync(set, file, CancellationToken.None);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
            Assert.That(total, Is.LessThanOrEqualTo(file.Bytes), "never more than the manifest's bytes");
        }
    }
}
