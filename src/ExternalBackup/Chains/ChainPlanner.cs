using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Chains;

/// <summary>
/// The chain rule of the backup side, for every source (engine stream, frozen folder, snapshot): an incremental or
/// differential extends the newest committed set of the destination with the same identity (instance and log
/// signature) whose log generations it continues; a differential extends the last full, an incremental the last
/// full or incremental. When there is none the backup is refused (<see cref="ChainBaseNotFoundException"/>):
/// <list type="number">
/// <item>when opened, before the engine's backup begins: only the instance is known, so a set of that instance and
/// kind must be in the destination (a source that learns its instance only when it begins, like a snapshot of the
/// writers' components, says it with <see cref="KnowInstance"/>);</item>
/// <item>when the engine's log generations are known (<see cref="ContinueWith(LogGenerationRange?)"/>);</item>
/// <item>as soon as a log header shows a log stream (each of a set of several components; <see cref="ContinueWith(string, string, string)"/>), before commit.</item>
/// </list>
/// Full and copy backups extend nothing. With <c>allowOrphan</c> nothing is refused: a set with no base found is
/// committed without <c>extends</c> (for a product that keeps its own catalogue).
/// </summary>
internal sealed class ChainPlanner
{
    private readonly BackupKind _kind;
    private readonly bool _allowOrphan;
    private string? _instance;
    private List<BackupManifest> _candidates;
    private LogGenerationRange? _range;
    // Each log stream of the new set seen so far (its folder in the set): its signature and the file it was read from.
    private readonly SortedDictionary<string, (string Signature, string Origin)> _streams = new(StringComparer.Ordinal);

    private ChainPlanner(BackupKind kind, string? instance, IReadOnlyList<BackupManifest> committed, bool allowOrphan)
    {
        _kind = kind;
        _instance = instance;
        _allowOrphan = allowOrphan;
        _committed = committed;
        // Newest first: the sets (of the instance, when known) this kind may extend.
        _candidates = committed.Where(s => (instance is null || ChainMembership.SameInstance(s, instance)) && ChainMembership.CanExtend(kind, s.Kind)).Reverse().ToList();
        RequireCandidates("before the backup began");
        Base = _candidates.FirstOrDefault();
    }

    private readonly IReadOnlyList<BackupManifest> _committed;

    /// <summary>Whether the backup extends a set (incremental, differential).</summary>
    public bool Extends => !_kind.CopiesDatabases();

    /// <summary>The set chosen so far (the newest candidate that fits everything known), or <see langword="null"/> (full, copy, orphan).</summary>
    public BackupManifest? Base { get; private set; }

    /// <summary>The <c>extends</c> of the new set's manifest: the base by id and identity, or <see langword="null"/>.</summary>
    public SetReference? Reference => Base is { } b ? new SetReference(b.SetId, b.Kind, b.LogGenerations?.High, ChainMembership.LogSignatureOf(b)) : null;

    /// <summary>
    /// Lists the committed sets of <paramref name="sink"/> (when the kind extends a set) and checks what can be
    /// checked before the engine's backup begins.
    /// </summary>
    /// <exception cref="ChainBaseNotFoundException">The destination holds no set of the instance to extend, or cannot list its sets.</exception>
    /// <param name="sink">The destination.</param>
    /// <param name="kind">The backup kind.</param>
    /// <param name="instance">The instance, or <see langword="null"/> when the source learns it only when it begins (then <see cref="KnowInstance"/>).</param>
    /// <param name="allowOrphan">Refuse nothing: a set with no base found names no parent.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public static async ValueTask<ChainPlanner> OpenAsync(IBackupSink sink, BackupKind kind, string? instance, bool allowOrphan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (kind.CopiesDatabases())
        {
            return new ChainPlanner(kind, instance, [], allowOrphan);
        }

        if (sink is not IBackupSetCatalog catalog)
        {
            if (allowOrphan)
            {
                return new ChainPlanner(kind, instance, [], allowOrphan);
            }

            throw new ChainBaseNotFoundException(
                $"{kind.Name()} backup of '{instance ?? "the instance"}' refused before the backup began: the destination cannot list its committed sets (a stream), so the set this one extends cannot be found there; pass --allow-orphan when the base is kept elsewhere. Nothing was truncated.");
        }

        var sets = await catalog.ListSetsAsync(cancellationToken).ConfigureAwait(false);
        return new ChainPlanner(kind, instance, sets, allowOrphan);
    }

    /// <summary>The instance is known (for a source that learns it only when its backup began).</summary>
    /// <exception cref="ChainBaseNotFoundException">The destination holds no set of that instance to extend.</exception>
    public void KnowInstance(string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (_instance is not null)
        {
            return;
        }

        _instance = instance;
        _candidates = _candidates.Where(s => ChainMembership.SameInstance(s, instance)).ToList();
        RequireCandidates("before commit");
        Choose();
    }

    /// <summary>The new set's log generations are known (from the engine's log information or the planned files).</summary>
    /// <exception cref="ChainBaseNotFoundException">No set of the instance is continued by them.</exception>
    public void ContinueWith(LogGenerationRange? generations)
    {
        _range = generations;
        Choose();
    }

    /// <summary>
    /// A log stream of the new set is known (a log header, <paramref name="origin"/>, was read): <paramref name="stream"/>
    /// is its folder in the set (<c>logs</c>, or <c>logs/&lt;component&gt;</c> with several components).
    /// </summary>
    /// <exception cref="ChainBaseNotFoundException">No set of the instance has every log stream seen so far and is continued.</exception>
    public void ContinueWith(string stream, string logSignature, string origin)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(logSignature);
        if (!_streams.TryAdd(stream, (logSignature, origin)))
        {
            return;
        }

        Choose();
    }

    /// <summary>Whether <paramref name="set"/> holds every log stream of the new set seen so far, of the same signature.</summary>
    private bool SameLogStreams(BackupManifest set) => _streams.All(s => ChainMembership.SameLogStream(set, s.Key, s.Value.Signature));

    private void RequireCandidates(string when)
    {
        if (!Extends || _candidates.Count > 0 || _allowOrphan)
        {
            return;
        }

        var other = _instance is null ? 0 : _committed.Count(s => !ChainMembership.SameInstance(s, _instance));
        var what = _kind == BackupKind.Differential ? "full set" : "full or incremental set";
        throw new ChainBaseNotFoundException(
            $"{_kind.Name()} backup of '{_instance ?? "the instance"}' refused {when}: the destination holds no committed {what} of {(_instance is null ? "any instance" : "this instance")} to extend"
            + (other > 0 ? $" ({other} set(s) of other instances are not its chain)" : _committed.Count == 0 ? " (it holds no set at all)" : string.Empty)
            + "; take a full backup first, or pass --allow-orphan when the base is kept elsewhere. Nothing was truncated.");
    }

    private void Choose()
    {
        if (!Extends)
        {
            return;
        }

        Base = _candidates.FirstOrDefault(s => SameLogStreams(s) && ChainMembership.Continues(_range, s));
        if (Base is not null || _allowOrphan)
        {
            return;
        }

        // Say why the newest set of the instance does not fit: another log stream, or a gap.
        var newest = _candidates[0];
        var sameStream = _candidates.Where(SameLogStreams).ToList();
        string why;
        if (sameStream.Count == 0)
        {
            var seen = string.Join(", ", _streams.Select(s => _streams.Count > 1 ? $"{s.Key}: {s.Value.Signature} (read from '{s.Value.Origin}')" : $"{s.Value.Signature} (read from '{s.Value.Origin}')"));
            var own = ChainMembership.LogStreamsOf(newest) is { Count: > 0 } streams ? string.Join(", ", streams.Select(s => $"{s.Stream}: {s.LogSignature}"))
                : ChainMembership.LogSignatureOf(newest) ?? string.Join(", ", newest.Databases.Select(d => d.LogSignature).Distinct());
            why = $"its logs carry log signature {seen} but set '{newest.SetId}' of the instance is of log stream {own}: another log stream (the instance's logs were reset or it is another instance of the same name), so none of its {_candidates.Count} set(s) is its base";
        }
        else
        {
            var last = sameStream[0];
            var high = last.LogGenerations?.High;
            why = _range!.Low > high + 1
                ? $"its logs start at generation {_range.Low} but set '{last.SetId}' ends at {high}: generations {high + 1}..{_range.Low - 1} are in no set of the destination"
                : $"its logs {_range.Low}..{_range.High} end before set '{last.SetId}' ({last.LogGenerations?.Low}..{high}): they do not continue it";
        }

        throw new ChainBaseNotFoundException(
            $"{_kind.Name()} backup of '{_instance}' refused before commit: {why}; take a full backup, or pass --allow-orphan when the base is kept elsewhere. Nothing was committed or truncated.");
    }
}
