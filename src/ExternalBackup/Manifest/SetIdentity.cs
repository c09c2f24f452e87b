using System.Text.Json.Serialization;

namespace ExternalBackup.Manifest;

/// <summary>
/// Who a set belongs to (manifest format 2, <c>identity</c>): the instance, the log stream its logs continue and the
/// databases whose headers it holds. Two sets are of one chain only when their instance and log signature agree;
/// the chain rule (<c>docs/manifest.md</c>, "Chains") never links sets by time alone.
/// </summary>
public sealed record SetIdentity
{
    /// <summary>The instance name (the engine's instance, the frozen folders, or the snapshot components).</summary>
    public required string Instance { get; init; }

    /// <summary>
    /// The log stream's signature read from the headers of the set's logs (or, without logs, of its databases):
    /// the random part as 8 hex digits and the creation time, e.g. <c>0000fced (11/22/2026 06:00:00.123)</c>;
    /// <see langword="null"/> when no header said it, and in a set of several log streams (then <see cref="LogStreams"/>).
    /// </summary>
    public string? LogSignature { get; init; }

    /// <summary>
    /// With several log streams (a snapshot of several components, e.g. Exchange storage groups, each its own log
    /// stream under <c>logs/&lt;component&gt;</c>): each stream's signature; <see langword="null"/> (not written) with one
    /// stream or none, whose signature is <see cref="LogSignature"/>. Readers of sets without it read the single field.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LogStreamIdentity>? LogStreams { get; init; }

    /// <summary>Each database whose header the set holds (full and copy sets), in set order; empty for log-only sets.</summary>
    public IReadOnlyList<DatabaseIdentity> Databases { get; init; } = [];
}

/// <summary>The identity of one database of a set, from its header.</summary>
/// <param name="Path">Its path inside the set.</param>
/// <param name="Signature">The database's own signature (the header's <c>signDb</c>), in the form of <see cref="SetIdentity.LogSignature"/>; <see langword="null"/> when unknown.</param>
/// <param name="LogSignature">The log signature its header names (<c>signLog</c>); <see langword="null"/> when unknown.</param>
public sealed record DatabaseIdentity(string Path, string? Signature, string? LogSignature);

/// <summary>The identity of one log stream of a set of several.</summary>
/// <param name="Stream">The stream's folder inside the set (<c>logs/&lt;component&gt;</c>), as the restore names it.</param>
/// <param name="LogSignature">The signature its log headers carry, in the form of <see cref="SetIdentity.LogSignature"/>.</param>
public sealed record LogStreamIdentity(string Stream, string LogSignature);
