using System.Security.Cryptography;
using ExternalBackup.Sinks;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace ExternalBackup.Tests.Sinks.Resilience;

/// <summary>The one pipeline on fake time: minutes of backoff and budget pass in no real time.</summary>
public class SinkResiliencePipelineTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task Ten_retries_with_the_default_backoff_take_minutes_of_fake_time_and_no_real_time()
    {
        // An inner sink without real I/O: the clock moves only while the call waits on it.
        var time = new FakeClock();
        var logger = new RecordingLogger();
        var bytes = RandomNumberGenerator.GetBytes(100);
        var store = new NullSink();
        var flaky = new FaultySink(store) { FailWrites = SinkResilienceOptions.DefaultMaxRetryAttempts, Fault = () => new TransientSinkException("503 SlowDown") };
        await using var sink = new ResilientSink(flaky, new SinkResilienceOptions { UseJitter = false }, logger, time);
        var real = TimeProvider.System.GetTimestamp();

        var (elapsed, failure) = await time.RunAsync(() => DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", bytes)), Step);

        Assert.That(failure, Is.Null);
        Assert.That(sink.Retries, Is.EqualTo(10));
        Assert.That(flaky.WriteAttempts.Take(11).Select(a => a.Offset).Distinct().Count(), Is.EqualTo(1), "retries resend the same chunk");
        Assert.That(store.BytesWritten, Is.EqualTo(bytes.Length));
        Assert.That(store.LastCommitted?.SetId, Is.EqualTo("s"));
        // 0.2 + 0.4 + ... + 25.6 s, then twice 30 s (capped): 111 s of backoff in real time.
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(111)).And.LessThan(TimeSpan.FromSeconds(115)));
        Assert.That(TimeProvider.System.GetElapsedTime(real), Is.LessThan(TimeSpan.FromSeconds(20)), "fake time, not real seconds");

        var retries = logger.Entries.Where(e => e.Event.Id == 5101).ToList();
        Assert.That(retries, Has.Count.EqualTo(10));
        Assert.That(retries.All(e => e.Event.Name == "SinkRetry" && e.Level == LogLevel.Warning && e.Exception is TransientSinkException));
        Assert.That(retries[0].Message, Does.Contain("FaultySink call failed (TransientSinkException: 503 SlowDown); retry 1 of 10 in 00:00:00.2"));
        Assert.That(retries[^1].Message, Does.Contain("retry 10 of 10 in 00:00:30"));
    }

    [Test]
    public async Task The_total_budget_ends_the_retries_on_fake_time()
    {
        var time = new FakeClock();
        var options = new SinkResilienceOptions
        {
            MaxRetryAttempts = 1000,
            BaseDelay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(10),
            UseJitter = false,
            AttemptTimeout = TimeSpan.FromMinutes(1),
            TotalBudget = TimeSpan.FromMinutes(5),
        };
        var pipeline = SinkResiliencePipeline.Create(options, SinkFaults.Classifier, "test", new RecordingLogger(), time);
        var start = time.GetUtcNow();
        var attempts = new List<TimeSpan>();

        var (elapsed, failure) = await time.RunAsync(() => pipeline.ExecuteAsync(_ =>
            {
                attempts.Add(time.GetUtcNow() - start);
                throw new TimeoutException("stalled");
            }).AsTask(),
            Step);

        Assert.That(failure, Is.TypeOf<TimeoutRejectedException>(), "the budget, not the attempts, ended the call");
        Assert.That(failure!.Message, Does.StartWith("test: gave up when the total budget of 00:05:00 was spent, after ").And.EndWith(" failed attempts; the last failure: TimeoutException: stalled"));
        Assert.That(failure.InnerException, Is.TypeOf<TimeoutException>());
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(options.TotalBudget).And.LessThan(options.TotalBudget + TimeSpan.FromSeconds(1)));
        Assert.That(attempts, Has.All.LessThan(options.TotalBudget));
        // Attempts at 0, 1, 3, 7, 15 s, then every 10 s up to 295 s.
        Assert.That(attempts, Has.Count.InRange(30, 33));
    }

    [Test]
    public async Task A_stalled_attempt_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        var time = new FakeClock();
        var options = new SinkResilienceOptions { MaxRetryAttempts = 2, UseJitter = false, AttemptTimeout = TimeSpan.FromMinutes(2) };
        var pipeline = SinkResiliencePipeline.Create(options, SinkFaults.Classifier, "test", new RecordingLogger(), time);
        var attempts = 0;

        var (elapsed, failure) = await time.RunAsync(() => pipeline.ExecuteAsync(async ct =>
            {
                if (++attempts == 1)
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
            }).AsTask(),
            TimeSpan.FromSeconds(1));

        Assert.That(failure, Is.Null);
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(2)).And.LessThan(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task A_retry_after_is_honoured_and_capped_at_the_longest_delay()
    {
        var time = new FakeClock();
        var hints = new Queue<TimeSpan>([TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5)]);
        var classifier = new ScriptedClassifier(() => SinkFault.Transient(hints.Dequeue()));
        var options = new SinkResilienceOptions { MaxRetryAttempts = 5, MaxDelay = TimeSpan.FromSeconds(30) };
        var delays = new List<TimeSpan>();
        var pipeline = SinkResiliencePipeline.Create(options, classifier, "test", new RecordingLogger(), time, (_, _, delay) => delays.Add(delay));
        var attempts = 0;

        var (_, failure) = await time.RunAsync(() => pipeline.ExecuteAsync(_ => ++attempts <= 2 ? throw new InvalidOperationException("slow down") : ValueTask.CompletedTask).AsTask(),
            Step);

        Assert.That(failure, Is.Null);
        Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30) }));
    }

    [Test]
    public async Task A_cancellation_by_the_caller_is_not_retried()
    {
        var time = new FakeClock();
        var pipeline = SinkResiliencePipeline.Create(new SinkResilienceOptions(), new ScriptedClassifier(() => SinkFault.Transient()), "test", new RecordingLogger(), time);
        using var cancel = new CancellationTokenSource();
        var attempts = 0;

        var (_, failure) = await time.RunAsync(() => pipeline.ExecuteAsync(
                ct =>
                {
                    attempts++;
                    cancel.Cancel();
                    ct.ThrowIfCancellationRequested();
                    return ValueTask.CompletedTask;
                },
                cancel.Token).AsTask(),
            Step);

        Assert.That(failure, Is.InstanceOf<OperationCanceledException>());
        Assert.That(attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task A_wrapped_sink_classifies_its_own_failures()
    {
        var time = new FakeClock();
        var flaky = new ClassifyingSink(new FaultySink(new NullSink()) { FailWrites = 2, Fault = () => new InvalidOperationException("the store says: try again") });
        await using var sink = new ResilientSink(flaky, new SinkResilienceOptions(), timeProvider: time);

        var (_, failure) = await time.RunAsync(() => DirectorySinkTests.WriteSetAsync(sink, "s", commit: true, ("logs/edb00001.log", [1, 2, 3])), Step);

        Assert.That(failure, Is.Null, "a failure the default rule calls permanent is retried because the sink says it is transient");
        Assert.That(sink.Retries, Is.EqualTo(2));
        Assert.That(flaky.Classified, Is.EqualTo(2));
    }

    private sealed class ScriptedClassifier(Func<SinkFault> next) : ISinkFaultClassifier
    {
        public SinkFault Classify(Exception exception) => next();
    }

    /// <summary>A sink that calls every <see cref="InvalidOperationException"/> transient, counting what it was asked.</summary>
    private sealed class ClassifyingSink(FaultySink inner) : IBackupSink, ISinkFaultClassifier
    {
        public int Classified { get; private set; }

        public SinkFault Classify(Exception exception)
        {
            Classified++;
            return exception is InvalidOperationException ? SinkFault.Transient() : SinkFault.Permanent;
        }

        public ValueTask BeginSetAsync(BackupSetDescriptor set, CancellationToken cancellationToken) => inner.BeginSetAsync(set, cancellationToken);

        public ValueTask OpenFileAsync(BackupFileDescriptor file, CancellationToken cancellationToken) => inner.OpenFileAsync(file, cancellationToken);

        public ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken) => inner.WriteAsync(chunk, cancellationToken);

        public ValueTask CompleteFileAsync(CompletedFile file, CancellationToken cancellationToken) => inner.CompleteFileAsync(file, cancellationToken);

        public ValueTask CommitAsync(ExternalBackup.Manifest.BackupManifest manifest, CancellationToken cancellationToken) => inner.CommitAsync(manifest, cancellationToken);

        public ValueTask AbortAsync(CancellationToken cancellationToken) => inner.AbortAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
