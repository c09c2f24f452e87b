using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ExternalBackup.Cli.Failures;
using ExternalBackup.Testing.Synthesis;
using ExternalBackup.Tests.Common;
using ExternalBackup.Tests.Sinks.Resilience;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>
/// Every S3 failure a user can cause, run through the built CLI as a child process against the real Swift the tests
/// start (or a closed local port): one line naming the cause (and the variables the keys come from), the README's
/// exit code 2, the error code of docs/json.md, and never a stack trace.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class S3CliFailureTests
{
    private static string _instance = "";
    private static ScratchDirectory? _scratch;

    [OneTimeSetUp]
    public async Task WriteInstance()
    {
        _scratch = new ScratchDirectory("s3-failures");
        _instance = Path.Combine(_scratch.Path, "instance");
        await SyntheticInstanceWriter.WriteAsync(_instance, new SyntheticInstanceOptions
        {
            Databases = [("ntds.dit", new SyntheticDatabaseOptions { PageCount = 64 })],
            Logs = new SyntheticLogSetOptions { Count = 2 },
        });
    }

    [OneTimeTearDown]
    public void RemoveInstance() => _scratch?.Dispose();

    [Test]
    public async Task A_missing_bucket_is_named_for_backup_and_list()
    {
        var bucket = $"eb-missing-{Guid.NewGuid():N}"[..24];
        await Expect(FailureCodes.S3BucketNotFound, "the bucket does not exist", Swift(), "backup", "--engine", "model", "--instance", _instance, "--to", $"s3://{bucket}/p");
        await Expect(FailureCodes.S3BucketNotFound, "does not exist", Swift(), "list", "--from", $"s3://{bucket}/p");
    }

    [Test]
    public async Task An_invalid_bucket_name_is_named()
    {
        await Expect(FailureCodes.S3InvalidBucketName, "the bucket name is not valid", Swift(), "list", "--from", "s3://Bad_Bucket/p");
    }

    [Test]
    public async Task Wrong_keys_name_the_variables_they_come_from()
    {
        await using var store = await S3TestStore.CreateAsync();
        var wrongSecret = Swift();
        wrongSecret["S3_SECRET_KEY"] = "not-the-secret";
        await Expect(FailureCodes.S3KeysRefused, "S3_ACCESS_KEY/S3_SECRET_KEY", wrongSecret, "list", "--from", $"s3://{store.Bucket}/p");
        var line = await Expect(null, "S3_ACCESS_KEY/S3_SECRET_KEY", wrongSecret, "backup", "--engine", "model", "--instance", _instance, "--to", $"s3://{store.Bucket}/p");
        Assert.That(line, Does.Not.Contain("No further error information"), "the SDK's filler is not the cause");
        var unknownKey = Swift();
        unknownKey["S3_ACCESS_KEY"] = "nobody:nobody";
        await Expect(FailureCodes.S3KeysRefused, "S3_ACCESS_KEY/S3_SECRET_KEY", unknownKey, "verify", $"s3://{store.Bucket}/p");
    }

    [Test]
    public async Task Absent_keys_name_the_variables_to_set()
    {
        var environment = Swift();
        environment.Remove("S3_ACCESS_KEY");
        environment.Remove("S3_SECRET_KEY");
        await Expect(FailureCodes.S3NoKeys, "set S3_ACCESS_KEY/S3_SECRET_KEY", environment, "list", "--from", "s3://bucket/p");
    }

    [TestCase("not a url")]
    [TestCase("ftp://127.0.0.1:21")]
    [TestCase("http://")]
    public async Task A_bad_endpoint_is_a_usage_error(string endpoint)
    {
        await Expect(FailureCodes.Usage, "is not an http:// or https:// URL", Swift(), "list", "--from", "s3://bucket/p", "--s3-endpoint", endpoint);
    }

    [Test]
    public async Task A_refused_connection_is_one_line_for_every_command()
    {
        var endpoint = $"http://127.0.0.1:{ClosedPort()}";
        await Expect(FailureCodes.S3Unreachable, "the S3 endpoint cannot be reached", Swift(), "backup", "--engine", "model", "--instance", _instance, "--to", "s3://bucket/p", "--s3-endpoint", endpoint);
        await Expect(FailureCodes.S3Unreachable, "the S3 endpoint cannot be reached", Swift(), "list", "--from", "s3://bucket/p", "--s3-endpoint", endpoint);
        await Expect(FailureCodes.S3Unreachable, "the S3 endpoint cannot be reached", Swift(), "restore", "--from", "s3://bucket/p", "--to", Path.Combine(_scratch!.Path, "r"), "--s3-endpoint", endpoint);
    }

    [Test]
    public async Task An_endpoint_that_never_answered_is_given_up_after_two_retries_with_the_default_policy()
    {
        // The default policy would retry ten times over minutes; the first-contact rule stops at two retries.
        var logger = new RecordingLogger();
        var options = new S3SinkOptions { Bucket = "bucket", ServiceUrl = new Uri($"http://127.0.0.1:{ClosedPort()}"), AccessKey = "a", SecretKey = "b" };
        await using var repository = new S3Repository(options, logger);
        var failure = Assert.CatchAsync(async () => await repository.ListSetsAsync(CancellationToken.None))!;
        Assert.That(S3EndpointContact.IsConnectFailure(failure), Is.True, failure.ToString());
        Assert.That(logger.Entries.Count(e => e.Event.Id == 5101), Is.EqualTo(S3EndpointContact.DefaultFirstContactRetries));
    }

    private static Dictionary<string, string?> Swift()
    {
        SwiftServer.Require();
        return new()
        {
            ["S3_ENDPOINT"] = SwiftServer.Endpoint.ToString(),
            ["S3_ACCESS_KEY"] = SwiftServer.AccessKey,
            ["S3_SECRET_KEY"] = SwiftServer.SecretKey,
            ["S3_REGION"] = SwiftServer.Region,
        };
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs esebackup with <c>--json</c> in a child process; asserts exit 2, one line containing <paramref name="cause"/>, the error object's code, no stack trace; returns the line.</summary>
    private static async Task<string> Expect(string? code, string cause, Dictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esebackup.dll"));
        foreach (var a in args.Append("--json"))
        {
            start.ArgumentList.Add(a);
        }

        // Only the variables given: no keys from this process, no AWS profile, no instance metadata lookups.
        foreach (var name in new[] { "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = _scratch!.Path;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var what = $"esebackup {string.Join(' ', args)}: {error}{await output}";
        // The retries before giving up are warning events (JSON lines with --json); the failure itself is one line.
        var lines = StandardErrorLines.Messages(error);
        using var json = JsonDocument.Parse(await output);
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(2), what);
            Assert.That(lines, Has.Length.EqualTo(1), what);
            Assert.That(lines[0], Does.StartWith("esebackup: ").And.Contain(cause), what);
            Assert.That(error + output.Result, Does.Not.Contain("   at "), what);
            if (code is not null)
            {
                Assert.That(json.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo(code), what);
            }
        });
        return lines[0];
    }
}
