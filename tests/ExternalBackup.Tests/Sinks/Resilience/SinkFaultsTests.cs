using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Sinks.Tar;
using ExternalBackup.Tests.Common;
using Polly.Timeout;

namespace ExternalBackup.Tests.Sinks.Resilience;

public class SinkFaultsTests
{
    private static int Win32(int code) => unchecked((int)0x80070000) | code;

    private static IEnumerable<TestCaseData> Faults()
    {
        yield return new TestCaseData(new TransientSinkException("503 SlowDown"), true).SetName("a transient sink exception");
        yield return new TestCaseData(new TimeoutException(), true).SetName("a timeout");
        yield return new TestCaseData(new TimeoutRejectedException(), true).SetName("a per-attempt timeout");
        yield return new TestCaseData(new TaskCanceledException("HTTP client timeout", new TimeoutException()), true).SetName("the HTTP client's own timeout");
        yield return new TestCaseData(new SocketException((int)SocketError.ConnectionReset), true).SetName("a socket error");
        yield return new TestCaseData(new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset)), true).SetName("an I/O error around a socket error");
        yield return new TestCaseData(new HttpRequestException("connection refused"), true).SetName("an HTTP transport error");
        yield return new TestCaseData(new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), false).SetName("an HTTP 403");
        yield return new TestCaseData(new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests), true).SetName("an HTTP 429");
        yield return new TestCaseData(new IOException("share dropped", Win32(64)), true).SetName("ERROR_NETNAME_DELETED (SMB session dropped)");
        yield return new TestCaseData(new IOException("in use", Win32(32)), true).SetName("ERROR_SHARING_VIOLATION");
        yield return new TestCaseData(new IOException("disk full", Win32(112)), false).SetName("ERROR_DISK_FULL");
        yield return new TestCaseData(new IOException("write protected", Win32(19)), false).SetName("ERROR_WRITE_PROTECT");
        yield return new TestCaseData(new IOException("disk full"), false).SetName("an I/O error without a code");
        yield return new TestCaseData(new FileNotFoundException("gone"), false).SetName("a missing file");
        yield return new TestCaseData(new UnauthorizedAccessException(), false).SetName("access denied");
        yield return new TestCaseData(new OperationCanceledException(), false).SetName("a cancellation by the caller");
        yield return new TestCaseData(new ArgumentException("bad"), false).SetName("a bad argument");
    }

    [TestCaseSource(nameof(Faults))]
    public void Every_sink_failure_is_classified_by_one_rule(Exception exception, bool transient) =>
        Assert.That(SinkFaults.Classify(exception).IsTransient, Is.EqualTo(transient));

    [Test]
    [Platform("Linux")]
    public void On_linux_a_full_disk_or_read_only_file_system_is_permanent_and_a_dropped_connection_transient()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SinkFaults.Classify(new IOException("No space left on device", 28)).IsTransient, Is.False, "ENOSPC");
            Assert.That(SinkFaults.Classify(new IOException("Read-only file system", 30)).IsTransient, Is.False, "EROFS");
            Assert.That(SinkFaults.Classify(new IOException("Disk quota exceeded", 122)).IsTransient, Is.False, "EDQUOT");
            Assert.That(SinkFaults.Classify(new IOException("Input/output error", 5)).IsTransient, Is.False, "EIO");
            Assert.That(SinkFaults.Classify(new IOException("Connection reset by peer", 104)).IsTransient, Is.True, "ECONNRESET");
            Assert.That(SinkFaults.Classify(new IOException("Host is down", 112)).IsTransient, Is.True, "EHOSTDOWN (CIFS failover)");
            Assert.That(SinkFaults.Classify(new IOException("Connection timed out", 110)).IsTransient, Is.True, "ETIMEDOUT");
        });
    }

    [Test]
    [Platform("Linux")]
    public void A_real_write_to_a_full_file_system_is_classified_permanent()
    {
        // /dev/full answers every write with ENOSPC: the I/O error a sink sees on a full disk.
        if (!File.Exists("/dev/full"))
        {
            Assert.Ignore("no /dev/full on this machine");
        }

        using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        var error = Assert.Throws<IOException>(() => full.Write(new byte[16]));
        Assert.That(SinkFaults.Classify(error!), Is.EqualTo(SinkFault.Permanent), error!.Message);
    }

    [Test]
    public void A_retry_after_of_a_transient_sink_exception_is_passed_on() =>
        Assert.That(
            SinkFaults.Classify(new TransientSinkException("slow down") { RetryAfter = TimeSpan.FromSeconds(7) }),
            Is.EqualTo(SinkFault.Transient(TimeSpan.FromSeconds(7))));

    [Test]
    public async Task The_folder_and_tar_sinks_classify_through_the_one_contract()
    {
        using var scratch = new ScratchDirectory("resilience-contract");
        await using var directory = new DirectorySink(scratch.Sub("dest"));
        await using var tar = new TarSink(Path.Combine(scratch.Path, "set.tar"));
        foreach (IBackupSink sink in new IBackupSink[] { directory, tar })
        {
            var classifier = sink as ISinkFaultClassifier;
            Assert.That(classifier, Is.Not.Null, $"{sink.GetType().Name} implements {nameof(ISinkFaultClassifier)}");
            foreach (var data in Faults())
            {
                var exception = (Exception)data.Arguments[0]!;
                Assert.That(classifier!.Classify(exception), Is.EqualTo(SinkFaults.Classify(exception)), $"{sink.GetType().Name}: {data.TestName}");
            }
        }
    }
}
