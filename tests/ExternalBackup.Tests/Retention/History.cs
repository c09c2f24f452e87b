using ExternalBackup.Manifest;
using ExternalBackup.Repository;

namespace ExternalBackup.Tests.Retention;

/// <summary>
/// Histories of sets as the backup side makes them (format 2: identity and <c>extends</c>): a full or copy set starts
/// a chain, an incremental extends the newest full or incremental of its instance, a differential the newest full;
/// every set's logs continue its base with no gap.
/// </summary>
internal sealed class History
{
    private readonly Dictionary<string, InstanceState> _instances = new(StringComparer.Ordinal);
    private readonly List<StoredSet> _sets = [];

    public IReadOnlyList<StoredSet> Sets => _sets;

    /// <summary>Adds a set of <paramref name="kind"/> for <paramref name="instance"/> at <paramref name="started"/>; an incremental or differential without a base becomes a full set.</summary>
    public StoredSet Add(string instance, BackupKind kind, DateTimeOffset started)
    {
        if (!_instances.TryGetValue(instance, out var state))
        {
            state = _instances[instance] = new InstanceState();
        }

        var signature = "sig-" + instance;
        BackupManifest? @base = kind switch
        {
            BackupKind.Incremental => state.LastTruncating,
            BackupKind.Differential => state.LastFull,
            _ => null,
        };
        if (!kind.CopiesDatabases() && @base is null)
        {
            kind = BackupKind.Full;
        }

        var low = @base is null ? state.Current + 1 : @base.LogGenerations!.High + 1;
        var high = state.Current + 2;
        state.Current = high;
        var id = $"{instance}-{_sets.Count:D3}-{kind.Name()}";
        var files = new List<ManifestFile>();
        if (kind.CopiesDatabases())
        {
            files.Add(new ManifestFile { Path = "databases/db.edb", Kind = BackupFileKind.Database, Bytes = 1, Sha256 = new string('0', 64) });
        }

        for (var g = low; g <= high; g++)
        {
            files.Add(new ManifestFile { Path = $"logs/edb{g:X5}.log", Kind = BackupFileKind.Log, Bytes = 1, Sha256 = new string('0', 64), Generation = g });
        }

        var manifest = new BackupManifest
        {
            SetId = id,
            Kind = kind,
            StartedUtc = started,
            CompletedUtc = started.AddMinutes(5),
            Instance = instance,
            Source = "history",
            LogBaseName = "edb",
            LogGenerations = new LogGenerationRange(low, high),
            Identity = new SetIdentity { Instance = instance, LogSignature = signature },
            Extends = @base is null ? null : new SetReference(@base.SetId, @base.Kind, @base.LogGenerations!.High, signature),
            Files = files,
        };
        if (kind is BackupKind.Full)
        {
            state.LastFull = manifest;
        }

        if (kind.TruncatesLogs())
        {
            state.LastTruncating = manifest;
        }

        var set = new StoredSet(id, manifest);
        _sets.Add(set);
        return set;
    }

    private sealed class InstanceState
    {
        public long Current { get; set; }

        public BackupManifest? LastFull { get; set; }

        public BackupManifest? LastTruncating { get; set; }
    }
}
