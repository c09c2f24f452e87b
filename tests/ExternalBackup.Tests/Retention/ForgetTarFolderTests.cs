using ExternalBackup.Cli;
using ExternalBackup.Manifest;
using ExternalBackup.Repository;
using ExternalBackup.Retention;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Repository;

namespace ExternalBackup.Tests.Retention;

/// <summary>
/// <c>forget</c> on a folder of tar archives (<c>tar:DIR</c>) and the tar sink writing into it take the folder's one
/// lock (<see cref="TarSink.LockFileName"/>): forget refuses in one line while an archive is being written (nothing
/// removed, the archive's <c>.partial</c> left alone), a backup cannot begin while forget holds it, and forget sweeps
/// the <c>.partial</c> files no backup is writing.
/// </summary>
public class ForgetTarFolderTests
{
    private static async Task<string> WriteAsync(ScratchDirectory scratch)
    {
        var folder = scratch.Sub("archives");
        foreach (var set in BackupRepositoryContract.Sets.Append(BackupRepositoryContract.SecondFull))
        {
            await using var sink = new TarSink(Path.Combine(folder, set.Id + ".tar"));
            await set.WriteAsync(sink);
        }

        return folder;
    }

    private static List<string> Listing(string folder) => [.. Directory.EnumerateFileSystemEntries(folder).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    [Test]
    public async Task Forget_refuses_in_one_line_while_an_archive_is_being_written_into_the_folder_and_removes_nothing()
    {
        using var scratch = new ScratchDirectory("forget-tar-locked");
        var folder = await WriteAsync(scratch);
        var before = Listing(folder);
        await using var running = new TarSink(Path.Combine(folder, "s5-running.tar"));
        await running.BeginSetAsync(new BackupSetDescriptor("s5-running", BackupKind.Incremental, DateTimeOffset.UnixEpoch, "contract-instance"), CancellationToken.None);
        var writing = Listing(folder);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.MainAsync(["forget", "--from", "tar:" + folder, "--keep-last", "1"], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(CliConsole.UsageOrIo));
            Assert.That(error.ToString().Trim(), Does.Contain($"its lock file {Path.Combine(folder, TarSink.LockFileName)} is held by process {Environment.ProcessId}").And.Not.Contain("\n"));
            Assert.That(Listing(folder), Is.EqualTo(writing), "nothing removed, the running archive's .partial not swept");
            Assert.That(writing.Except(before), Has.Some.EndsWith(TarSink.PartialSuffix).And.Some.EqualTo(TarSink.LockFileName));
        });
        await running.AbortAsync(CancellationToken.None);
        Assert.That(Listing(folder), Is.EqualTo(before), "the aborted archive leaves neither its .partial nor the lock");
    }

    [Test]
    public async Task A_tar_backup_cannot_begin_while_forget_holds_the_folder_and_can_once_it_is_done()
    {
        using var scratch = new ScratchDirectory("forget-tar-held");
        var folder = await WriteAsync(scratch);
        await using var repository = new TarRepository(folder);
        var target = Path.Combine(folder, "s5-next.tar");
        await using (await repository.LockAsync(CancellationToken.None))
        {
            var refused = Assert.Throws<IOException>(() => _ = new TarSink(target))!;
            Assert.That(refused.Message, Does.Contain(Path.Combine(folder, TarSink.LockFileName)).And.Not.Contain("\n"));
            Assert.That(Listing(folder), Has.None.EndsWith(TarSink.PartialSuffix), "no .partial made");
        }

        await using (var sink = new TarSink(target))
        {
            await BackupRepositoryContract.SecondFull.WriteAsync(sink);
        }

        Assert.That(File.Exists(target), Is.True);
    }

    [Test]
    public async Task Forget_sweeps_the_partial_archives_interrupted_backups_left_and_nothing_else()
    {
        using var scratch = new ScratchDirectory("forget-tar-partial");
        var folder = await WriteAsync(scratch);
        // What a killed tar backup leaves: its temporary archive, named as the sink names it, and nothing removes it.
        var killed = new TarSink(Path.Combine(folder, "s5-killed.tar"));
        await killed.BeginSetAsync(new BackupSetDescriptor("s5-killed", BackupKind.Incremental, DateTimeOffset.UnixEpoch, "contract-instance"), CancellationToken.None);
        var partial = Listing(folder).Single(n => n.EndsWith(TarSink.PartialSuffix, StringComparison.Ordinal));
        await killed.AbortAsync(CancellationToken.None);
        File.WriteAllBytes(Path.Combine(folder, partial), new byte[4096]);
        var notOurs = Path.Combine(folder, "notes.partial");
        File.WriteAllText(notOurs, "a user's file, not named as the sink names its temporary archives");

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.MainAsync(["forget", "--from", "tar:" + folder, "--keep-last", "1"], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(CliConsole.Ok), error.ToString());
            Assert.That(output.ToString(), Does.Contain($"cleaned: removed {Path.Combine(folder, partial)}, the temporary archive of an interrupted backup"));
            Assert.That(Listing(folder), Has.None.EqualTo(partial).And.Member("notes.partial").And.None.EqualTo(TarSink.LockFileName));
        });
    }
}
