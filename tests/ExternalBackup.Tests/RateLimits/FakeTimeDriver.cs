using Microsoft.Extensions.Time.Testing;

namespace ExternalBackup.Tests.RateLimits;

/// <summary>
/// Runs an operation limited by a rate limiter on fake time: the clock moves on one replenishment period only while
/// the operation waits for tokens, so fake time passes exactly as fast as the limit lets the operation go.
/// </summary>
internal static class FakeTimeDriver
{
    /// <summary>How many periods a run may take before the test fails instead of spinning for ever.</summary>
    private const int MaxPeriods = 100_000;

    public static async Task RunAsync(FakeTimeProvider time, Task operation, Func<bool> isWaiting)
    {
        var periods = 0;
        while (!operation.IsCompleted)
        {
            if (isWaiting())
            {
                time.Advance(ExternalBackup.RateLimits.RateLimitDefaults.ReplenishmentPeriod);
                Assert.That(++periods, Is.LessThan(MaxPeriods), "the run did not end");
            }
            else
            {
                await Task.Yield();
            }
        }

        await operation;
    }
}
