using Polly;
using Polly.Timeout;

namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// The outermost strategy of <see cref="SinkResiliencePipeline"/>: when the total budget ends a call, the failure
/// says so in one line, naming the sink, the budget, how many attempts failed and the last failure (kept as the
/// inner exception), instead of Polly's bare "didn't complete within the allowed timeout". It stays a
/// <see cref="TimeoutRejectedException"/>, so callers that handle one still do.
/// </summary>
internal sealed class SpentBudgetStrategy(string sink, TimeSpan budget) : ResilienceStrategy
{
    /// <summary>Set by the total-budget timeout when it fires.</summary>
    public static readonly ResiliencePropertyKey<bool> Spent = new("sink-budget-spent");

    /// <summary>The last failure the retry saw, and how many attempts had failed by then.</summary>
    public static readonly ResiliencePropertyKey<(Exception Failure, int Attempts)> LastFailure = new("sink-last-failure");

    /// <inheritdoc />
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is not TimeoutRejectedException rejected
            || !context.Properties.TryGetValue(Spent, out var spent) || !spent)
        {
            return outcome;
        }

        if (!context.Properties.TryGetValue(LastFailure, out var last))
        {
            return Outcome.FromException<TResult>(new TimeoutRejectedException(
                $"{sink}: the call did not end within its total budget of {budget}", budget, rejected));
        }

        return Outcome.FromException<TResult>(new TimeoutRejectedException(
            $"{sink}: gave up when the total budget of {budget} was spent, after {last.Attempts} failed attempts; the last failure: {last.Failure.GetType().Name}: {last.Failure.Message}",
            budget,
            last.Failure));
    }

    /// <summary>The strategy's options: it has none but its name.</summary>
    public sealed class Options : ResilienceStrategyOptions
    {
        /// <summary>Named for telemetry.</summary>
        public Options() => Name = "sink-spent-budget";
    }
}
