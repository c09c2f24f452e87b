using ExternalBackup.Formats.Files;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Formats.Tests;

/// <summary><see cref="EseFileVerifierOptions.RefuseBeforeOpening"/>: what is refused is reported by name and never opened.</summary>
public class FileRefusalTests
{
    [LinuxOnly("the link the test makes is a Linux link that Wine does not show as a reparse point")]
    [Test]
    public async Task The_verifiers_default_refuses_a_link_without_following_it()
    {
        using var scratch = new ScratchDirectory("verify-link");
        var outside = Path.Combine(scratch.Path, "outside.edb");
        File.WriteAllBytes(outside, new byte[8192]);
        var folder = scratch.Sub("folder");
        Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "linked.edb"), outside);

        var report = await new EseFileVerifier().VerifyAsync([folder]);

        var file = report.Files.Single();
        Assert.That(file.Problems.Select(p => p.Cause), Is.EqualTo(new[] { "a symbolic link: not followed" }));
        Assert.That(file.Length, Is.Zero, "not opened, so not measured");
    }

    [Test]
    public async Task A_refused_file_is_one_problem_naming_it_and_the_verification_fails()
    {
        using var scratch = new ScratchDirectory("verify-refused");
        var file = Path.Combine(scratch.Path, "ntds.dit");
        File.WriteAllBytes(file, new byte[8192]);
        var options = new EseFileVerifierOptions { RefuseBeforeOpening = path => path == file ? "a FIFO (named pipe), not a regular file: never opened" : null };

        var report = await new EseFileVerifier(options).VerifyAsync([file]);

        Assert.That(report.Ok, Is.False);
        Assert.That(report.Files.Single().Problems.Select(p => (p.Path, p.Cause)), Is.EqualTo(new[] { (file, "a FIFO (named pipe), not a regular file: never opened") }));
    }
}
