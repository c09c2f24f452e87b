namespace ExternalBackup.Retention;

/// <summary>What <see cref="Forget.RunAsync"/> did.</summary>
/// <param name="Plan">The policy's decision for every set.</param>
/// <param name="Removed">The names of the sets removed, in removal order (empty for a dry run).</param>
/// <param name="Swept">One line per leftover of an interrupted backup or removal that was cleaned.</param>
/// <param name="DryRun">Whether nothing was removed on purpose.</param>
public sealed record ForgetResult(RetentionPlan Plan, IReadOnlyList<string> Removed, IReadOnlyList<string> Swept, bool DryRun);
