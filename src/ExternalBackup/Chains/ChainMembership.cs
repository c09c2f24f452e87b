using ExternalBackup.Manifest;

namespace ExternalBackup.Chains;

/// <summary>
/// Whether a committed set can be part of a given chain: same instance, same log stream, and generations that the
/// next set continues. Used on the backup side (<see cref="ChainPlanner"/>) and on the restore side
/// (<see cref="Restore.BackupChain"/>), so both apply one rule. Format 1 sets have no identity: they match by
/// instance name alone, and by the random part of their databases' log signature when they recorded one.
/// </summary>
internal static class ChainMembership
{
    /// <summary>The instance a set belongs to.</summary>
    public static string InstanceOf(BackupManifest set) => set.Identity?.Instance ?? set.Instance;

    /// <summary>The log signature of a set's identity, or <see langword="null"/> (format 1, or no header said it).</summary>
    public static string? LogSignatureOf(BackupManifest set) => set.Identity?.LogSignature;

    /// <summary>Whether <paramref name="set"/> belongs to <paramref name="instance"/>.</summary>
    public static bool SameInstance(BackupManifest set, string instance) =>
        string.Equals(InstanceOf(set), instance, StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="set"/>'s logs are of the log stream <paramref name="logSignature"/>; true when either
    /// side does not know its signature (format 1 sets without database facts).
    /// </summary>
    public static bool SameLogStream(BackupManifest set, string? logSignature)
    {
        if (logSignature is null)
        {
            return true;
        }

        if (LogSignatureOf(set) is { } own)
        {
            return string.Equals(own, logSignature, StringComparison.Ordinal);
        }

        // Format 1: the databases' log signatures, if recorded (the 8 hex digits, or the frozen path's full text).
        var random = SignatureText.RandomPart(logSignature);
        var recorded = set.Databases.Select(d => d.LogSignature).Where(s => !string.IsNullOrEmpty(s)).Select(s => SignatureText.RandomPart(s!)).ToList();
        return recorded.Count == 0 || recorded.Contains(random, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether <paramref name="set"/>'s log stream <paramref name="stream"/> (its folder in the set) is of signature
    /// <paramref name="logSignature"/>: a set of several streams (<see cref="SetIdentity.LogStreams"/>) must hold that
    /// stream with that signature; a set of one stream is matched by <see cref="SameLogStream(BackupManifest, string?)"/>.
    /// </summary>
    public static bool SameLogStream(BackupManifest set, string stream, string logSignature)
    {
        if (set.Identity?.LogStreams is { } streams)
        {
            return streams.Any(s => string.Equals(s.Stream, stream, StringComparison.Ordinal) && string.Equals(s.LogSignature, logSignature, StringComparison.Ordinal));
        }

        return SameLogStream(set, logSignature);
    }

    /// <summary>The log streams a set names (stream folder and signature): its <see cref="SetIdentity.LogStreams"/>, empty with one stream.</summary>
    public static IReadOnlyList<LogStreamIdentity> LogStreamsOf(BackupManifest set) => set.Identity?.LogStreams ?? [];

    /// <summary>Whether two sets are of one instance and log stream (each stream of a set of several).</summary>
    public static bool SameIdentity(BackupManifest a, BackupManifest b) =>
        SameInstance(a, InstanceOf(b)) && SameLogStream(a, LogSignatureOf(b)) && SameLogStream(b, LogSignatureOf(a))
        && LogStreamsOf(b).All(s => SameLogStream(a, s.Stream, s.LogSignature)) && LogStreamsOf(a).All(s => SameLogStream(b, s.Stream, s.LogSignature));

    /// <summary>
    /// Whether logs <paramref name="next"/> continue <paramref name="set"/>: they start at most one generation after
    /// its last and do not end before it. True when either range is unknown.
    /// </summary>
    public static bool Continues(LogGenerationRange? next, BackupManifest set) =>
        next is null || set.LogGenerations is not { } previous || (next.Low <= previous.High + 1 && next.High >= previous.High);

    /// <summary>The kinds a set of <paramref name="kind"/> may extend: differential the last full, incremental the last full or incremental.</summary>
    public static bool CanExtend(BackupKind kind, BackupKind candidate) => kind switch
    {
        BackupKind.Incremental => candidate is BackupKind.Full or BackupKind.Incremental,
        BackupKind.Differential => candidate is BackupKind.Full,
        _ => false,
    };
}
