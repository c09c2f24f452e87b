using System.Security.Cryptography;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks;

public class ResilientSinkTests
{
    private static readonly SinkResilienceOptions Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 4 };

    [Test]
    public async Task Transient_write_faults_are_retried_with_the_same_bytes_and_the_set_is_intact()
    {
        using var scratch = new ScratchDirectory("resilient");
        var bytes = RandomNumberGenerator.GetBytes(100);
        var flaky = new FaultySink(new DirectorySink(scratch.Path)) { FailWrites = 3, Fault = () => new TransientSinkException("503 SlowDown") };
        await using var sink = new ResilientSink(flaky, Fast);

        await DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", bytes));

        Assert.That(sink.Retries, Is.EqualTo(3));
        Assert.That(flaky.WriteAttempts.Take(4).Select(a => a.Offset).Distinct().Count(), Is.EqualTo(1), "retries resend the same chunk");
        Assert.That(File.ReadAllBytes(Path.Combine(scratch.Path, "s", "logs", "edb00001.log")), Is.EqualTo(bytes));
    }

    [Test]
    public async Task Permanent_faults_are_not_retried()
    {
        using var scratch = new ScratchDirectory("resilient");
        var flaky = new FaultySink(new DirectorySink(scratch.Path)) { FailWrites = 1, Fault = () => new UnauthorizedAccessException("access denied") };
        await using var sink = new ResilientSink(flaky, Fast);

        Assert.ThrowsAsync<UnauthorizedAccessException>(async () => await DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", [1, 2])));
        Assert.That(sink.Retries, Is.Zero);
        Assert.That(flaky.WriteAttempts, Has.Count.EqualTo(1));
        await sink.AbortAsync(default);
    }

    [Test]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        using var scratch = new ScratchDirectory("resilient");
        var flaky = new FaultySink(new DirectorySink(scratch.Path)) { FailWrites = int.MaxValue, Fault = () => new TimeoutException("stalled") };
        await using var sink = new ResilientSink(flaky, Fast with { MaxRetryAttempts = 2 });

        Assert.ThrowsAsync<TimeoutException>(async () => await DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", [1])));
        Assert.That(flaky.WriteAttempts, Has.Count.EqualTo(3));
        await sink.AbortAsync(default);
    }
}

/// <summary>A sink decorator that fails chosen calls, for tests.</summary>
internal sealed class FaultySink(IBackupSink inner) : IBackupSink, IBackupSetCatalog
{
    public int FailWrites { get; set; }

    public int FailCommits { get; set; }

    public int FailWritesAfter { get; set; } = -1;

    public Func<Exception> Fault { get; set; } = () => new TransientSinkException("injected");

    public List<(long Offset, int Length)> WriteAttempts { get; } = [];

    public int Aborts { get; private set; }

    public int Commits { get; private set; }

    public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => inner.BeginSetAsync(set, cancellationToken);

    public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => inner.OpenFileAsync(file, cancellationToken);

    public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        WriteAttempts.Add((chunk.Offset, chunk.Data.Length));
        if (FailWritesAfter >= 0 && WriteAttempts.Count > FailWritesAfter)
        {
            throw Fault();
        }

        if (FailWrites > 0)
        {
            FailWrites--;
            throw Fault();
        }

        return inner.WriteAsync(chunk, cancellationToken);
    }

    public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => inner.CompleteFileAsync(file, cancellationToken);

    public ValueTask CommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (FailCommits > 0)
        {
            FailCommits--;
            throw Fault();
        }

        Commits++;
        return inner.CommitAsync(manifest, cancellationToken);
    }

    public ValueTask AbortAsync(CancellationToken cancellationToken)
    {
        Aborts++;
        return inner.AbortAsync(cancellationToken);
    }

    public ValueTask<IReadOnlyList<BackupManifest>> ListSetsAsync(CancellationToken cancellationToken) =>
        inner is IBackupSetCatalog c ? c.ListSetsAsync(cancellationToken) : ValueTask.FromResult<IReadOnlyList<BackupManifest>>([]);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
