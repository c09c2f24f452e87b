using ExternalBackup.Repository;

namespace ExternalBackup.Retention;

/// <summary>What a <see cref="RetentionPolicy"/> decided for one set, and why.</summary>
/// <param name="Set">The set.</param>
/// <param name="Keep">Whether it is kept.</param>
/// <param name="Reasons">Why it is kept ("last", "daily", "base of kept set 'X'", ...), or why it goes.</param>
public sealed record RetentionDecision(StoredSet Set, bool Keep, IReadOnlyList<string> Reasons);
