using ExternalBackup.Cli;
using ExternalBackup.Sinks.S3;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Cli;

[TestFixture]
public sealed class SinkAddressTests
{
    [TestCase("/var/backups/ese", SinkAddressKind.Directory, "/var/backups/ese", "")]
    [TestCase("relative/dir", SinkAddressKind.Directory, "relative/dir", "")]
    [TestCase("s3://bucket", SinkAddressKind.S3, "bucket", "")]
    [TestCase("s3://bucket/", SinkAddressKind.S3, "bucket", "")]
    [TestCase("s3://bucket/site-a/ntds", SinkAddressKind.S3, "bucket", "site-a/ntds")]
    [TestCase("s3://bucket/site-a/ntds/", SinkAddressKind.S3, "bucket", "site-a/ntds")]
    [TestCase("tar:/tmp/set.tar", SinkAddressKind.TarFile, "/tmp/set.tar", "")]
    [TestCase("tar:-", SinkAddressKind.TarStdout, "-", "")]
    public void Parses_each_form(string value, SinkAddressKind kind, string location, string prefix)
    {
        var address = SinkAddress.Parse(value);
        Assert.That(address, Is.EqualTo(new SinkAddress(kind, location, prefix)));
    }

    [TestCase("", "empty")]
    [TestCase("s3://", "no bucket")]
    [TestCase("s3:///prefix", "no bucket")]
    [TestCase("s3://b/a//c", "empty segment")]
    [TestCase("tar:", "no archive")]
    [TestCase("ftp://host/x", "unknown scheme")]
    public void Refuses_bad_values_naming_the_problem(string value, string problem)
    {
        var error = Assert.Throws<FormatException>(() => SinkAddress.Parse(value));
        Assert.That(error!.Message, Does.Contain(problem));
    }

    [Test]
    public void S3_settings_come_from_options_then_the_environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["S3_ENDPOINT"] = "http://127.0.0.1:9000",
            ["S3_ACCESS_KEY"] = "env-key",
            ["S3_SECRET_KEY"] = "env-secret",
            ["S3_REGION"] = "eu-west-1",
        };
        var address = SinkAddress.Parse("s3://bucket/prefix");
        var fromEnvironment = address.S3Options(environment: name => environment.GetValueOrDefault(name));
        Assert.That(fromEnvironment.Bucket, Is.EqualTo("bucket"));
        Assert.That(fromEnvironment.Prefix, Is.EqualTo("prefix"));
        Assert.That(fromEnvironment.ServiceUrl, Is.EqualTo(new Uri("http://127.0.0.1:9000")));
        Assert.That(fromEnvironment.AccessKey, Is.EqualTo("env-key"));
        Assert.That(fromEnvironment.Region, Is.EqualTo("eu-west-1"));

        var explicitKeys = address.S3Options(new S3Settings(AccessKey: "opt-key", SecretKey: "opt-secret"), new S3SinkOptions { Bucket = "x", MaxConcurrentUploads = 7 }, name => environment.GetValueOrDefault(name));
        Assert.That(explicitKeys.AccessKey, Is.EqualTo("opt-key"));
        Assert.That(explicitKeys.SecretKey, Is.EqualTo("opt-secret"));
        Assert.That(explicitKeys.MaxConcurrentUploads, Is.EqualTo(7), "tuning options are kept");
        Assert.That(explicitKeys.Bucket, Is.EqualTo("bucket"), "the address names the bucket");
        Assert.That(explicitKeys.ToString(), Does.Not.Contain("opt-secret").And.Not.Contain("opt-key"), "keys never appear in text");
    }

    [Test]
    public void No_keys_anywhere_means_the_sdk_default_credential_sources()
    {
        var options = SinkAddress.Parse("s3://bucket").S3Options(environment: _ => null);
        Assert.That(options.AccessKey, Is.Null);
        Assert.That(options.SecretKey, Is.Null);
        Assert.That(options.ServiceUrl, Is.Null);
        Assert.That(options.Region, Is.EqualTo("us-east-1"));
    }

    [Test]
    public async Task Opens_a_tar_sink_for_tar_file()
    {
        using var scratch = new ScratchDirectory("address-tar");
        await using var sink = SinkAddress.Create("tar:" + Path.Combine(scratch.Path, "a.tar"), new SinkAddressOptions());
        Assert.That(sink, Is.TypeOf<TarSink>());
    }

    [Test]
    public async Task Opens_an_s3_sink_for_s3_addresses()
    {
        await using var sink = SinkAddress.Create("s3://bucket/p", new SinkAddressOptions { S3 = new S3Settings("http://127.0.0.1:1", "k", "s") });
        Assert.That(sink, Is.TypeOf<S3Sink>());
        Assert.That(((S3Sink)sink).Layout.Root, Is.EqualTo("p/"));
    }

    [Test]
    public async Task Opens_a_retried_directory_sink_for_a_plain_folder()
    {
        using var scratch = new ScratchDirectory("address-dir");
        await using var sink = SinkAddress.Create(scratch.Sub("dest"), new SinkAddressOptions());
        Assert.That(sink, Is.TypeOf<ExternalBackup.Sinks.Resilience.ResilientSink>());
    }
}
