using ExternalBackup.Pipeline;

namespace ExternalBackup.Tests.Pipeline;

public class SetLayoutTests
{
    [Test]
    public void Databases_keep_their_folders_below_the_common_one()
    {
        var paths = SetLayout.DatabasePaths([@"C:\Windows\CatRoot2\{127D}\catdb", @"C:\Windows\CatRoot2\{F750}\catdb"]);
        Assert.That(paths, Is.EqualTo(new[] { "databases/{127D}/catdb", "databases/{F750}/catdb" }));
        Assert.That(SetLayout.DatabasePaths(["/var/ese/ntds.dit"]), Is.EqualTo(new[] { "databases/ntds.dit" }));
    }

    [TestCase("edb0007E.log", "edb", 126L)]
    [TestCase("edb00000001.jtx", "edb", 1L)]
    [TestCase("edb000000001.log", "edb", null)]
    [TestCase("E0000000A2B.log", "E00", 0xA2BL)]
    [TestCase("edb.log", "edb", null)]
    [TestCase("res1.log", "edb", null)]
    [TestCase("edbZZZZZ.log", "edb", null)]
    public void Log_generations_are_parsed_from_names(string name, string baseName, long? generation)
    {
        Assert.That(SetLayout.ParseLogGeneration(name, baseName), Is.EqualTo(generation));
    }

    [TestCase("/logs/../../etc/passwd")]
    [TestCase("/logs/edb.log")]
    [TestCase("")]
    public void Hostile_or_unexpected_log_names_are_refused_with_the_name(string name)
    {
        var e = Assert.Throws<InvalidDataException>(() => SetLayout.LogPath(name, "edb"));
        Assert.That(e!.Message, Does.Contain("name").Or.Contain("empty"));
    }

    [Test]
    public void Two_databases_with_one_path_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => SetLayout.DatabasePaths(["/a/x.edb", "/a/X.edb"]));
    }
}
