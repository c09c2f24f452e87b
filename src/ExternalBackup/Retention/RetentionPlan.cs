namespace ExternalBackup.Retention;

/// <summary>The decisions of a <see cref="RetentionPolicy"/> over a destination's sets.</summary>
/// <param name="Decisions">One per set, oldest first (the listing's order).</param>
public sealed record RetentionPlan(IReadOnlyList<RetentionDecision> Decisions)
{
    /// <summary>
    /// The sets to remove, in the order to remove them: newest first, so a set is always removed before the sets it
    /// extends, and a removal stopped half-way leaves every remaining set with its chain.
    /// </summary>
    public IReadOnlyList<RetentionDecision> Removals { get; } =
        [.. Decisions.Where(d => !d.Keep).Reverse()];

    /// <summary>The sets kept, oldest first.</summary>
    public IReadOnlyList<RetentionDecision> Kept => [.. Decisions.Where(d => d.Keep)];
}
