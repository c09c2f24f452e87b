using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>The one set-name rule and the one set-id check, which every source and the directory sink use.</summary>
public sealed class SetNameTests
{
    [Test]
    public void TheDefaultNameIsTheUtcStartToTheMillisecondAndTheKind()
    {
        var started = new DateTimeOffset(2026, 11, 22, 7, 0, 0, 123, TimeSpan.FromHours(1));

        Assert.That(SetName.For(started, BackupKind.Incremental), Is.EqualTo("20261122T060000123Z-incremental"));
    }

    [TestCase("a/b", "'/'")]
    [TestCase(".staging", "starts with '.'")]
    [TestCase("bad:name", "\\ : *")]
    [TestCase("..", "'.' or '..'")]
    public void ANameThatIsNotAPlainFolderNameIsRefusedSayingWhy(string setId, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => SetName.Validate(setId, "setId"));

        Assert.That(e!.Message, Does.Contain($"set name '{setId}'").And.Contain(why));
    }

    [Test]
    public void APlainNameAndNoNameAreAccepted()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SetName.Problem("nightly-0042"), Is.Null);
            Assert.DoesNotThrow(() => SetName.Validate(null, "setId"));
        });
    }
}
