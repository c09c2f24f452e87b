using ExternalBackup.Sinks;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.Sinks.Resilience;

public class SinkResilienceOptionsTests
{
    [Test]
    public void Defaults_are_the_named_constants()
    {
        var options = new SinkResilienceOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.MaxRetryAttempts, Is.EqualTo(SinkResilienceOptions.DefaultMaxRetryAttempts).And.EqualTo(10));
            Assert.That(options.BaseDelay, Is.EqualTo(SinkResilienceOptions.DefaultBaseDelay).And.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(options.MaxDelay, Is.EqualTo(SinkResilienceOptions.DefaultMaxDelay).And.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.UseJitter, Is.EqualTo(SinkResilienceOptions.DefaultUseJitter).And.True);
            Assert.That(options.AttemptTimeout, Is.EqualTo(SinkResilienceOptions.DefaultAttemptTimeout).And.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.TotalBudget, Is.EqualTo(SinkResilienceOptions.DefaultTotalBudget).And.EqualTo(TimeSpan.FromMinutes(15)));
        });
        Assert.DoesNotThrow(options.Validate);
    }

    private static IEnumerable<TestCaseData> BadOptions()
    {
        var good = new SinkResilienceOptions();
        yield return new TestCaseData(good with { MaxRetryAttempts = -1 }, "MaxRetryAttempts").SetName("negative retries");
        yield return new TestCaseData(good with { BaseDelay = TimeSpan.Zero }, "BaseDelay").SetName("zero base delay");
        yield return new TestCaseData(good with { BaseDelay = TimeSpan.FromDays(2), MaxDelay = TimeSpan.FromDays(2) }, "BaseDelay").SetName("base delay over a day");
        yield return new TestCaseData(good with { MaxDelay = TimeSpan.FromMilliseconds(100) }, "MaxDelay").SetName("max delay below base delay");
        yield return new TestCaseData(good with { TotalBudget = TimeSpan.FromMilliseconds(1), AttemptTimeout = TimeSpan.FromMilliseconds(1) }, "TotalBudget").SetName("total budget below 10 ms");
        yield return new TestCaseData(good with { TotalBudget = TimeSpan.FromDays(3) }, "TotalBudget").SetName("total budget over a day");
        yield return new TestCaseData(good with { AttemptTimeout = TimeSpan.Zero }, "AttemptTimeout").SetName("zero attempt timeout");
        yield return new TestCaseData(good with { AttemptTimeout = TimeSpan.FromMinutes(20) }, "AttemptTimeout").SetName("attempt timeout over the total budget");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void Invalid_options_are_refused_when_the_pipeline_is_built_naming_the_option(SinkResilienceOptions options, string option)
    {
        var built = Assert.Throws<ArgumentException>(() => SinkResiliencePipeline.Create(options, SinkFaults.Classifier, "test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.That(built!.ParamName, Is.EqualTo(option));
        Assert.That(built.Message, Does.StartWith($"sink resilience options: {option} "));

        using var scratch = new ScratchDirectory("resilience-options");
        var wrapped = Assert.Throws<ArgumentException>(() => _ = new ResilientSink(new DirectorySink(scratch.Path), options));
        Assert.That(wrapped!.ParamName, Is.EqualTo(option), "the decorator builds its pipeline when it is made, before any call");
    }

    [Test]
    public void Zero_retries_is_allowed_and_means_one_attempt() =>
        Assert.DoesNotThrow(() => SinkResiliencePipeline.Create(new SinkResilienceOptions { MaxRetryAttempts = 0 }, SinkFaults.Classifier, "test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
}
