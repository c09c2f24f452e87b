using System.IO.Enumeration;
using ExternalBackup.Formats.Log;
using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>
/// Finds what a frozen set backup needs, from the headers only: the databases (ESE header), the checkpoint, and the
/// logs. Rules:
/// <list type="bullet">
/// <item>every log and the checkpoint carry one log signature (the checkpoint's, else the first dirty database's,
/// else the newest log's); a log with another signature is foreign and refused, naming it;</item>
/// <item>a log's header generation must match the generation in its name; two logs of one generation are refused;</item>
/// <item>a database that needs logs (dirty) must carry the set's signature, and every generation from the lowest it
/// requires to the newest present must be there; so must the checkpoint's generation;</item>
/// <item>the logs copied run from the lowest present (or the lowest required, if lower) to the newest present,
/// without a gap; the first missing generation is named, with the database that requires it;</item>
/// <item>a clean database needs no logs and may belong to another log stream (it is consistent on its own).</item>
/// </list>
/// Incremental and differential backups copy no databases, only the logs (after
/// <see cref="FrozenFolderSourceOptions.LogsAfterGeneration"/> when given, else after the extended set's last
/// generation) and the checkpoint.
/// <para>
/// Nothing is silently left out: a file that is a database by position (it matches the component's database file
/// specification), by name (<see cref="DatabaseExtensions"/>) or by content (database pages behind a damaged header,
/// whatever its name) but whose header is not a readable ESE database header fails the plan naming it and why, and
/// so does a file that cannot be read. Set paths follow the format 2 layout (<see cref="Pipeline.SetLayout"/>).
/// </para>
/// </summary>
public sealed class FrozenSetPlanner
{
    /// <summary>File name extensions that make a file a database whatever its header says (ESE databases, Active Directory, WINS/DHCP).</summary>
    public static readonly IReadOnlyList<string> DatabaseExtensions = [".edb", ".dit", ".mdb"];

    /// <summary>
    /// The name pattern of the engine model's own files in its instance folder (its lock, <c>.engine-model.lock</c>,
    /// which a live model holds an OS lock on, and its history, <c>.engine-model.json</c>): not ESE files, so a frozen
    /// copy of a model's folder leaves them out unopened and lists each in <c>excluded[]</c> with <see cref="EngineModelFilesRule"/>.
    /// </summary>
    public const string EngineModelFiles = ".engine-model.*";

    /// <summary>The rule the manifest names for a file <see cref="EngineModelFiles"/> matches.</summary>
    public const string EngineModelFilesRule = "the engine model's own lock or history file (" + EngineModelFiles + "), not an ESE file";

    private readonly IFrozenFileFormat _format;
    private readonly FrozenFolderSourceOptions _options;

    /// <summary>Creates a planner reading headers with <paramref name="format"/>.</summary>
    public FrozenSetPlanner(IFrozenFileFormat format, FrozenFolderSourceOptions? options = null)
    {
        _format = format ?? throw new ArgumentNullException(nameof(format));
        _options = options ?? new FrozenFolderSourceOptions();
    }

    /// <summary>Plans the backup of <paramref name="layout"/>; throws <see cref="FrozenSetException"/> naming the file and cause when the set cannot be backed up.</summary>
    public FrozenSetPlan Plan(FrozenFolderLayout layout, BackupKind kind) => Plan(layout, kind, null);

    /// <summary>Plans the backup of <paramref name="layout"/>, an incremental or differential one after generation <paramref name="extendsHigh"/> when <see cref="FrozenFolderSourceOptions.LogsAfterGeneration"/> is not given.</summary>
    public FrozenSetPlan Plan(FrozenFolderLayout layout, BackupKind kind, long? extendsHigh)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var skipped = new List<string>();
        var databases = new List<(FrozenFileHeader Header, string Root, long Length)>();
        var logs = new List<(FrozenFileHeader Header, string Root, long Length)>();
        var checkpoints = new List<(FrozenFileHeader Header, string Root, long Length)>();
        var unidentified = new List<string>();
        var excluded = new List<ManifestExclusion>();
        var componentFiles = new List<(string Path, string Root, long Length)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (folder, recursive) in layout.DatabaseFolders.Select(f => (f, layout.RecurseDatabaseFolders)).Concat(layout.LogFolders.Select(f => (f, false)))
            .Concat(layout.ComponentFiles.Select(f => (f.Folder, f.Recursive))))
        {
            var onlyComponentFiles = !layout.DatabaseFolders.Contains(folder) && !layout.LogFolders.Contains(folder);
            if (!Directory.Exists(folder))
            {
                throw new FrozenSetException(folder, "folder not found");
            }

            foreach (var path in FrozenFolderWalker.RegularFiles(folder, recursive))
            {
                var isComponentFile = layout.ComponentFiles.Any(f => FileSpecMatch.Matches(f.Folder, f.FileSpec, f.Recursive, path));
                if ((onlyComponentFiles && !isComponentFile) || !seen.Add(Path.GetFullPath(path)))
                {
                    // A folder the component names only for its other files holds nothing else of the set.
                    continue;
                }

                // A writer's exclude list wins over its include specifications (VSS), and what it leaves out is listed.
                if (layout.Excludes.FirstOrDefault(e => e.Matches(path)) is { } exclusion)
                {
                    excluded.Add(new ManifestExclusion(path, exclusion.Rule));
                    continue;
                }

                // Not opened: a live model holds its lock file, which a .NET reader cannot open then.
                if (FileSystemName.MatchesSimpleExpression(EngineModelFiles, Path.GetFileName(path), ignoreCase: false))
                {
                    excluded.Add(new ManifestExclusion(path, EngineModelFilesRule));
                    continue;
                }

                if (onlyComponentFiles)
                {
                    // The writer names it as a plain file of the component: copied as it is, whatever it holds.
                    componentFiles.Add((path, folder, LengthOf(folder, path)));
                    continue;
                }

                var header = Identify(folder, path, out var length, out var damaged);
                var bySpec = layout.DatabaseFileSpecs.FirstOrDefault(spec => FileSystemName.MatchesSimpleExpression(spec, Path.GetFileName(path), ignoreCase: true));
                var byName = DatabaseExtensions.FirstOrDefault(e => Path.GetExtension(path).Equals(e, StringComparison.OrdinalIgnoreCase));
                if (header is null && layout.DatabaseFolders.Contains(folder) && (bySpec is not null || byName is not null || damaged is not null))
                {
                    var why = bySpec is not null ? $"the component's database file specification '{bySpec}' names it"
                        : byName is not null ? $"its name ends in {byName}"
                        : $"it holds database pages of {damaged} bytes after its header pages";
                    throw new FrozenSetException(path, $"a database ({why}) whose header is not a readable ESE database header (zeroed or overwritten header pages); it cannot be left out of the set, so the backup is refused");
                }

                switch (header?.Type)
                {
                    case null or FrozenFileType.Other when isComponentFile:
                        componentFiles.Add((path, folder, length));
                        break;
                    case null:
                        unidentified.Add(path);
                        break;
                    case FrozenFileType.Database when layout.DatabaseFileSpecs.Count > 0
                        && !layout.DatabaseFileSpecs.Any(spec => FileSystemName.MatchesSimpleExpression(spec, Path.GetFileName(path), ignoreCase: true)):
                        skipped.Add($"{path}: a database not named by {string.Join(", ", layout.DatabaseFileSpecs)}");
                        break;
                    case FrozenFileType.Database:
                        databases.Add((header, folder, length));
                        break;
                    case FrozenFileType.Log:
                        logs.Add((header, folder, length));
                        break;
                    case FrozenFileType.Checkpoint:
                        checkpoints.Add((header, folder, length));
                        break;
                    default:
                        skipped.Add($"{path}: ESE file not backed up");
                        break;
                }
            }
        }

        if (checkpoints.Count > 1)
        {
            throw new FrozenSetException(checkpoints[1].Header.Path, $"more than one checkpoint in the set (also {checkpoints[0].Header.Path})");
        }

        var checkpoint = checkpoints.Count == 1 ? checkpoints[0] : default;
        var baseName = checkpoint.Header is not null
            ? Path.GetFileNameWithoutExtension(checkpoint.Header.Path)
            : logs.Select(l => BaseOf(l.Header.Path)).FirstOrDefault(b => b is not null);

        foreach (var path in unidentified)
        {
            if (baseName is not null && IsLogOf(path, baseName, out _))
            {
                throw new FrozenSetException(path, "named like a log of this set but its header is not an ESE log header");
            }

            if (baseName is not null && Path.GetFileName(path).Equals(LogFileName.Checkpoint(baseName), StringComparison.OrdinalIgnoreCase))
            {
                throw new FrozenSetException(path, "named like this set's checkpoint but its header is not an ESE checkpoint header");
            }

            skipped.Add($"{path}: not an ESE database, log or checkpoint");
        }

        var dirty = databases.Where(d => d.Header.NeedsLogs).ToList();
        var reference = checkpoint.Header?.LogSignature
            ?? dirty.Select(d => d.Header.LogSignature).FirstOrDefault()
            ?? logs.OrderByDescending(l => l.Header.Generation).Select(l => l.Header.LogSignature).FirstOrDefault();
        var referenceOrigin = checkpoint.Header is not null ? Path.GetFileName(checkpoint.Header.Path)
            : dirty.Count > 0 ? Path.GetFileName(dirty[0].Header.Path) : "the newest log";

        var byGeneration = new SortedDictionary<long, (FrozenFileHeader Header, string Root, long Length)>();
        foreach (var log in logs)
        {
            var name = Path.GetFileName(log.Header.Path);
            if (log.Header.LogSignature != reference)
            {
                throw new FrozenSetException(log.Header.Path, $"foreign log: its log signature {log.Header.LogSignature} is not the set's {reference} (from {referenceOrigin})");
            }

            if (baseName is null || !IsLogOf(name, baseName, out var named))
            {
                throw new FrozenSetException(log.Header.Path, $"a log of this set's signature whose name is not a log name of base '{baseName}'");
            }

            if (named is { } n && n != log.Header.Generation)
            {
                throw new FrozenSetException(log.Header.Path, $"its name states generation {n} but its header holds generation {log.Header.Generation}");
            }

            if (!byGeneration.TryAdd(log.Header.Generation, log))
            {
                throw new FrozenSetException(log.Header.Path, $"generation {log.Header.Generation} is also in {byGeneration[log.Header.Generation].Header.Path}");
            }
        }

        foreach (var db in dirty)
        {
            if (db.Header.LogSignature != reference)
            {
                throw new FrozenSetException(db.Header.Path, $"{db.Header.State}: requires log generations {db.Header.RequiredLogLow}..{db.Header.RequiredLogHigh} of log signature {db.Header.LogSignature}, but the set's logs carry signature {reference} (from {referenceOrigin})");
            }
        }

        var logFolder = layout.LogFolders.Count > 0 ? layout.LogFolders[0] : "the log folder";
        LogGenerationRange? range = null;
        long needLow = long.MaxValue, needHigh = long.MinValue;
        if (kind.CopiesDatabases())
        {
            foreach (var db in dirty)
            {
                needLow = Math.Min(needLow, db.Header.RequiredLogLow);
                needHigh = Math.Max(needHigh, db.Header.RequiredLogHigh);
            }
        }

        if (checkpoint.Header is not null && checkpoint.Header.Generation > 0)
        {
            needLow = Math.Min(needLow, checkpoint.Header.Generation);
            needHigh = Math.Max(needHigh, checkpoint.Header.Generation);
        }

        if (byGeneration.Count > 0 || needLow != long.MaxValue)
        {
            var low = byGeneration.Count > 0 ? Math.Min(byGeneration.Keys.First(), needLow) : needLow;
            if (!kind.CopiesDatabases() && (_options.LogsAfterGeneration ?? extendsHigh) is { } after)
            {
                low = after + 1;
            }

            var high = byGeneration.Count > 0 ? Math.Max(byGeneration.Keys.Last(), needHigh) : needHigh;
            for (var g = low; g <= high; g++)
            {
                if (!byGeneration.ContainsKey(g))
                {
                    throw Missing(g, low, high, dirty, checkpoint.Header, baseName, logFolder);
                }
            }

            range = low <= high ? new LogGenerationRange(low, high) : null;
        }

        var component = layout.SetPrefix.Length == 0 ? null : layout.SetPrefix;
        var files = new List<FrozenPlannedFile>();
        if (kind.CopiesDatabases())
        {
            var paths = SetLayoutPaths(() => Pipeline.SetLayout.DatabasePaths(databases.Select(d => d.Header.Path).ToList(), component), databases.Count > 0 ? databases[0].Header.Path : "");
            files.AddRange(databases.Select((d, i) => new FrozenPlannedFile(d.Header, paths[i], d.Length) { Folder = d.Root }));
        }

        if (range is not null)
        {
            var eightDigits = byGeneration.Values.Any(l => LogFileName.TryParse(Path.GetFileName(l.Header.Path)) is { Kind: LogFileKind.Archived } n && Path.GetFileNameWithoutExtension(l.Header.Path).Length == n.BaseName.Length + 8);
            files.AddRange(byGeneration.Where(g => g.Key >= range.Low && g.Key <= range.High)
                .Select(g => new FrozenPlannedFile(g.Value.Header, SetLayoutPaths(() => Pipeline.SetLayout.LogPath(baseName!, g.Key, eightDigits, Path.GetExtension(g.Value.Header.Path), component), g.Value.Header.Path), g.Value.Length) { Folder = g.Value.Root }));
        }

        if (checkpoint.Header is not null)
        {
            files.Add(new FrozenPlannedFile(checkpoint.Header, SetLayoutPaths(() => Pipeline.SetLayout.CheckpointPath(baseName!, component), checkpoint.Header.Path), checkpoint.Length) { Folder = checkpoint.Root });
        }

        if (kind.CopiesDatabases() && componentFiles.Count > 0)
        {
            var paths = SetLayoutPaths(() => Pipeline.SetLayout.ComponentFilePaths(componentFiles.Select(f => f.Path).ToList(), component), componentFiles[0].Path);
            files.AddRange(componentFiles.Select((f, i) => new FrozenPlannedFile(new FrozenFileHeader { Path = f.Path, Type = FrozenFileType.ComponentFile, LogSignature = "" }, paths[i], f.Length) { Folder = f.Root }));
        }

        if (files.Count == 0)
        {
            throw new FrozenSetException(string.Join(", ", layout.DatabaseFolders.Concat(layout.LogFolders).Distinct()), kind.CopiesDatabases() ? "no ESE database, log or checkpoint found" : "no log to copy");
        }

        var duplicate = files.GroupBy(f => f.SetPath, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FrozenSetException(duplicate.Last().Header.Path, $"two files would be stored as '{duplicate.Key}'");
        }

        return new FrozenSetPlan(files, range, checkpoint.Header is not null || byGeneration.Count > 0 ? baseName : null, reference, skipped, excluded);
    }

    private static FrozenSetException Missing(long generation, long low, long high, List<(FrozenFileHeader Header, string Root, long Length)> dirty, FrozenFileHeader? checkpoint, string? baseName, string logFolder)
    {
        // Without a checkpoint or a log the base name is unknown: name the generation in hex instead of guessing a file name.
        var file = baseName is null ? $"0x{generation:X}" : LogFileName.Format(baseName, (int)generation);
        var needing = dirty.FirstOrDefault(d => generation >= d.Header.RequiredLogLow && generation <= d.Header.RequiredLogHigh).Header;
        if (needing is not null)
        {
            return new FrozenSetException(needing.Path, $"{needing.State}: requires log generations {needing.RequiredLogLow}..{needing.RequiredLogHigh}; generation {generation} ({file}) is missing from {logFolder}");
        }

        if (checkpoint is not null && generation == checkpoint.Generation)
        {
            return new FrozenSetException(checkpoint.Path, $"the checkpoint is in generation {generation} ({file}), which is missing from {logFolder}");
        }

        return new FrozenSetException(baseName is null ? logFolder : Path.Combine(logFolder, file), $"log generation {generation} is missing: the set's logs must run without a gap from {low} to {high}");
    }

    /// <summary>The base name of a log file's name (<c>edb</c> for <c>edb0007E.log</c> or <c>edb.log</c>), or <see langword="null"/>.</summary>
    private static string? BaseOf(string path) =>
        LogFileName.TryParse(Path.GetFileName(path)) is { Kind: LogFileKind.Archived or LogFileKind.Current } n ? n.BaseName : null;

    /// <summary>Whether <paramref name="path"/> names a log of <paramref name="baseName"/>; <paramref name="generation"/> is the generation its name states (null for the current log).</summary>
    private static bool IsLogOf(string path, string baseName, out long? generation)
    {
        generation = null;
        if (LogFileName.TryParse(Path.GetFileName(path)) is not { Kind: LogFileKind.Archived or LogFileKind.Current } n
            || !string.Equals(n.BaseName, baseName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        generation = n.Generation;
        return true;
    }

    private static long LengthOf(string folder, string path)
    {
        try
        {
            using var handle = FrozenFolderWalker.OpenHandleForReading(folder, path);
            return RandomAccess.GetLength(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FrozenSetException(path, $"a file the component names cannot be read ({e.GetType().Name}: {e.Message}); every file of a frozen set must be readable, so the backup is refused", e);
        }
    }

    private FrozenFileHeader? Identify(string folder, string path, out long length, out int? damagedPageSize)
    {
        damagedPageSize = null;
        length = 0;
        try
        {
            using var handle = FrozenFolderWalker.OpenHandleForReading(folder, path);
            length = RandomAccess.GetLength(handle);
            var head = new byte[(int)Math.Min(length, _format.HeaderBytes)];
            var read = RandomAccess.Read(handle, head, 0);
            if (read != head.Length)
            {
                throw new FrozenSetException(path, $"changed while being read: {length} bytes when listed, {read} readable at offset 0; the source is not frozen");
            }

            FrozenFileHeader? header;
            try
            {
                header = _format.Identify(path, head, length);
            }
            catch (InvalidDataException e)
            {
                throw new FrozenSetException(path, e.Message, e);
            }

            if (header is null)
            {
                damagedPageSize = _format.DatabasePageSizeBehindHeader(handle, length);
            }

            return header;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FrozenSetException(path, $"cannot be read ({e.GetType().Name}: {e.Message}); every file of a frozen set must be readable, so the backup is refused", e);
        }
    }

    private static T SetLayoutPaths<T>(Func<T> paths, string path)
    {
        try
        {
            return paths();
        }
        catch (InvalidDataException e)
        {
            throw new FrozenSetException(path, e.Message, e);
        }
    }
}
