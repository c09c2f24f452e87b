using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Restore;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Pipeline;

namespace ExternalBackup.Tests.Restore;

/// <summary>Restore, verification and listing log their steps with the documented ids (docs/events.md), in order.</summary>
public sealed class ReadBackEventsTests
{
    [Test]
    public async Task ARestoreLogsItsStartEachFileTheRenameAndItsResult()
    {
        using var scratch = new ScratchDirectory("restore-events");
        var (backups, _) = await ReadBackProgressTests.ChainAsync(scratch);
        var logging = new RecordingLoggerFactory();
        await using var repository = new DirectoryRepository(backups);
        var target = scratch.Sub("target");

        var plan = await ChainRestore.RestoreAsync(repository, target, null, new RestoreOptions { Logger = logging.CreateLogger("restore") }, CancellationToken.None);

        var entries = logging.Recorder.Entries;
        var files = Directory.GetFiles(target, "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f) != RestorePlan.FileName);
        Assert.That(entries.Select(e => e.Event.Id), Is.EqualTo(new[] { 1301 }.Concat(Enumerable.Repeat(1302, files)).Concat([1303, 1304])));
        Assert.That(entries[^1].Message, Does.Contain(string.Join(" + ", plan.Sets)).And.Contain(target));
        Assert.That(entries[^2].Message, Does.Contain(".target.restoring").And.Contain(target));
    }

    [Test]
    public async Task AFailedRestoreLogsWhyAndTheTargetIsAsItWas()
    {
        using var scratch = new ScratchDirectory("restore-events-failed");
        var logging = new RecordingLoggerFactory();
        await using var repository = new DirectoryRepository(scratch.Sub("empty"));

        Assert.ThrowsAsync<InvalidDataException>(() => ChainRestore.RestoreAsync(repository, scratch.Sub("target"), null, new RestoreOptions { Logger = logging.CreateLogger("restore") }, CancellationToken.None));

        Assert.That(logging.Recorder.Entries.Select(e => e.Event.Id), Is.EqualTo(new[] { 1305 }));
        Assert.That(logging.Recorder.Entries[0].Message, Does.Contain("holds no committed backup set"));
    }

    [Test]
    public async Task VerificationLogsEachFileAndItsResultAndEachProblem()
    {
        using var scratch = new ScratchDirectory("verify-events");
        var (backups, manifests) = await ReadBackProgressTests.ChainAsync(scratch);
        var logging = new RecordingLoggerFactory();
        var options = new RestoreOptions { Logger = logging.CreateLogger("verify") };
        await using var repository = new DirectoryRepository(backups);

        var intact = await ChainRestore.VerifyAsync(repository, null, options, CancellationToken.None);
        var files = manifests.Sum(m => m.Files.Count);
        Assert.That(intact.Ok, Is.True);
        Assert.That(logging.Recorder.Entries.Select(e => e.Event.Id), Is.EqualTo(new[] { 1401 }.Concat(Enumerable.Repeat(1402, files)).Concat([1404])));

        var log = manifests[1].Files.First(f => f.Kind == BackupFileKind.Log);
        var set = Directory.GetDirectories(backups).Single(d => d.EndsWith(manifests[1].SetId, StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(set, log.Path), new byte[log.Bytes]);
        var before = logging.Recorder.Entries.Count;
        var damaged = await ChainRestore.VerifyAsync(repository, null, options, CancellationToken.None);

        var ids = logging.Recorder.Entries.Skip(before).Select(e => e.Event.Id).ToList();
        Assert.That(damaged.Ok, Is.False);
        Assert.That(ids[0], Is.EqualTo(1401));
        Assert.That(ids[^1], Is.EqualTo(1405));
        Assert.That(ids.Count(i => i == 1403), Is.EqualTo(damaged.AllProblems.Count()), "one event per problem");
        Assert.That(ids.Count(i => i == 1402), Is.EqualTo(files - 1), "every other file verified");
    }

    [Test]
    public async Task ListingLogsItsStartAndTheSetsListed()
    {
        using var scratch = new ScratchDirectory("list-events");
        var (backups, manifests) = await ReadBackProgressTests.ChainAsync(scratch);
        var logging = new RecordingLoggerFactory();
        await using var repository = new DirectoryRepository(backups);

        var sets = await SetListing.ListAsync(repository, logging.CreateLogger("list"), CancellationToken.None);

        Assert.That(sets, Has.Count.EqualTo(2));
        Assert.That(logging.Recorder.Entries.Select(e => e.Event.Id), Is.EqualTo(new[] { 1501, 1502 }));
        Assert.That(logging.Recorder.Entries[1].Message, Does.Contain($"holds 2 committed sets, {manifests.Sum(m => m.Files.Sum(f => f.Bytes))} bytes"));
    }
}
