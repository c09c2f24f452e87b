using System.Diagnostics;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Sinks.S3.Tests.Swift;

/// <summary>
/// Starts a private OpenStack Swift with its S3 API on 127.0.0.1 (tests/s3/start-swift.sh, which installs the
/// Debian packages when missing) before the S3 tests and stops exactly its processes after them. When Swift cannot
/// start, every S3 test fails with the script's output.
/// </summary>
[SetUpFixture]
public sealed class SwiftServer
{
    private static string? _dir;
    private static string? _startFailure;

    public static Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    public static string AccessKey { get; private set; } = "";

    public static string SecretKey { get; private set; } = "";

    public static string Region { get; private set; } = "us-east-1";

    /// <summary>Fails the calling test when Swift did not start.</summary>
    public static void Require()
    {
        if (_startFailure is not null)
        {
            Assert.Fail(_startFailure);
        }
    }

    [OneTimeSetUp]
    public void Start()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"eb-swift-{Guid.NewGuid():N}");
        var script = Path.Combine(TestPaths.RepositoryRoot, "tests", "s3", "start-swift.sh");
        var (code, stdout, stderr) = Run(script, _dir, TimeSpan.FromMinutes(6));
        if (code != 0)
        {
            _startFailure = $"Swift did not start (exit {code}) from {script} {_dir}:\n{stderr}\n{stdout}";
            Assert.Fail(_startFailure);
        }

        var env = File.ReadAllLines(Path.Combine(_dir, "s3.env"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        Endpoint = new Uri(env["S3_ENDPOINT"]);
        AccessKey = env["S3_ACCESS_KEY"];
        SecretKey = env["S3_SECRET_KEY"];
        Region = env["S3_REGION"];
        TestContext.Progress.WriteLine($"[s3-tests] Swift S3 API at {Endpoint} (data in {_dir})");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        if (_dir is null)
        {
            return;
        }

        var (code, stdout, stderr) = Run(Path.Combine(TestPaths.RepositoryRoot, "tests", "s3", "stop-swift.sh"), $"{_dir} --purge", TimeSpan.FromMinutes(1));
        if (code != 0)
        {
            TestContext.Progress.WriteLine($"[s3-tests] stopping Swift failed (exit {code}): {stderr}{stdout}");
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string script, string arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("/bin/bash", $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, stdout.Result, $"timed out after {timeout}\n{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
