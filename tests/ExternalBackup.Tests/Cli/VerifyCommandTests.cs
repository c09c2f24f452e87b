using System.Diagnostics;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// <c>verify PATH</c> on a folder that holds what is not a regular file: each is reported by name and kind, never
/// opened (a FIFO used to hang the command in <c>open</c>, where not even SIGTERM ended it) and never followed.
/// </summary>
public class VerifyCommandTests
{
    [LinuxOnly("mkfifo and the links the test makes are Linux; Wine does not show them as reparse points")]
    [Test]
    public async Task A_fifo_and_a_link_in_a_verified_folder_are_reported_by_name_and_never_opened()
    {
        using var scratch = new ScratchDirectory("verify-cli");
        var folder = TestPaths.CopyCorpusSet("xp-catroot2-logset", scratch, "instance");
        var fifo = Path.Combine(folder, "edb00090.log");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
        }

        var outside = Path.Combine(scratch.Path, "secret.bin");
        File.WriteAllBytes(outside, new byte[12_345]);
        var link = Path.Combine(folder, "edb00091.log");
        File.CreateSymbolicLink(link, outside);

        // A guard, not a measurement: on the old code the FIFO's open never returns.
        var (exit, output, error) = await Task.Run(() => CliRun.InProcess("verify", folder)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), output + error);
            Assert.That(output + error, Does.Contain("edb00090.log").And.Contain("FIFO"));
            Assert.That(output + error, Does.Contain("edb00091.log").And.Contain("symbolic link"));
            Assert.That(output + error, Does.Not.Contain("secret.bin").And.Not.Contain("12345"), "nothing about the file outside");
            Assert.That(output + error, Does.Not.Contain("   at "));
        });
    }
}
