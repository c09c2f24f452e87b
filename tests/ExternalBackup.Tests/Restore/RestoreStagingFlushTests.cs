using System.Diagnostics;
using ExternalBackup.Restore;
using ExternalBackup.Tests.Cli;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks;

namespace ExternalBackup.Tests.Restore;

/// <summary>
/// A restore puts its files on the disk by the folder sink's rule (<c>FileSystemFlush.IsAvailable</c>): one
/// <c>syncfs</c> before the rename on ext4 (the scratch folder), every file flushed on its own and no <c>syncfs</c> on
/// a file system whose <c>syncfs</c> is not known to be as durable (tmpfs at <c>/dev/shm</c>); seen with strace.
/// </summary>
[LinuxOnly("strace observes the flush calls; /dev/shm is a Linux tmpfs")]
public sealed class RestoreStagingFlushTests
{
    public enum Target
    {
        /// <summary>The scratch folder (ext4, XFS or btrfs).</summary>
        Ext4Scratch,

        /// <summary>/dev/shm.</summary>
        Tmpfs,
    }

    [Test]
    public async Task A_restore_flushes_by_the_folder_sinks_file_system_rule([Values] Target where)
    {
        using var scratch = new ScratchDirectory("restore-flush");
        var instance = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var destination = scratch.Sub("backups");
        var (backup, _, backupError) = await CliRun.InProcess("backup", "--engine", "model", "--instance", instance, "--to", destination, "--kind", "full");
        Assert.That(backup, Is.Zero, backupError);

        var parent = where == Target.Tmpfs ? TmpfsFolder() : scratch.Sub("restores");
        try
        {
            var target = Path.Combine(parent, "t");
            var staging = Path.Combine(parent, ".t" + RestoreStaging.Suffix);
            Assert.That(FileSystemType(parent), where == Target.Tmpfs ? Is.EqualTo("tmpfs") : Is.AnyOf("ext2/ext3", "xfs", "btrfs"), "the file system the case is about");
            var (exit, error, calls) = await TracedBackup.RunCommandAsync(Path.Combine(scratch.Path, "trace"), "restore", "--from", destination, "--to", target);
            Assert.That(exit, Is.Zero, error);

            var restored = calls.Where(c => c.Name is "write" or "pwrite64" && c.Path!.StartsWith(staging + "/", StringComparison.Ordinal)).Select(c => c.Path!).Distinct().ToList();
            var flushed = calls.Where(c => c.Name is "fsync" or "fdatasync" && c.Result.StartsWith('0')).Select(c => c.Path).ToHashSet();
            var syncfs = calls.Count(c => c.Name == "syncfs" && c.Path!.StartsWith(staging, StringComparison.Ordinal));
            Assert.That(restored, Has.Count.GreaterThan(3), "the set's files were written in the staging folder");
            Assert.Multiple(() =>
            {
                if (where == Target.Tmpfs)
                {
                    Assert.That(syncfs, Is.Zero, "no syncfs where it is not known to be durable");
                    Assert.That(restored.Where(p => !flushed.Contains(p)), Is.Empty, "every restored file is flushed on its own");
                }
                else
                {
                    Assert.That(syncfs, Is.EqualTo(1), "one syncfs of the staging folder's file system");
                    Assert.That(restored.Where(flushed.Contains).Where(p => !p.EndsWith(RestorePlan.FileName, StringComparison.Ordinal)), Is.Empty, "the files need no flush of their own");
                }

                Assert.That(Directory.Exists(target), Is.True);
            });
        }
        finally
        {
            if (where == Target.Tmpfs)
            {
                Directory.Delete(parent, recursive: true);
            }
        }
    }

    private static string TmpfsFolder()
    {
        if (FileSystemType("/dev/shm") != "tmpfs")
        {
            TestPaths.MissingPrerequisite("/dev/shm is not a tmpfs here, so a restore onto a file system without a durable syncfs is not tested");
        }

        var folder = Path.Combine("/dev/shm", $"eb-tests-restore-flush-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The file system type of <paramref name="path"/> as <c>stat -f</c> names it (ext4 is shown as ext2/ext3).</summary>
    private static string FileSystemType(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "-c", "%T", path })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
