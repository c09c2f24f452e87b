using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Sources.Frozen;

/// <summary>
/// Frozen files of one or more folders (a component's each): planned from their headers when the backup begins
/// (<see cref="FrozenSetPlanner"/>), databases first, then logs in generation order and the checkpoint. Nothing
/// follows the commit: no engine or writer is told anything, so nothing is truncated.
/// </summary>
internal sealed class FrozenSource(FrozenFolderSource folder, Func<IReadOnlyList<FrozenFolderLayout>> layouts, Func<string> instance) : IBackupSource
{
    private readonly Dictionary<string, (string Folder, long Length)> _planned = new(StringComparer.Ordinal);
    private IReadOnlyList<FrozenSetPlan> _plans = [];

    /// <inheritdoc />
    public string Source => ManifestSources.FrozenFolder;

    /// <inheritdoc />
    public string? Producer => null;

    /// <inheritdoc />
    public string Instance => instance();

    /// <inheritdoc />
    public ValueTask BeginAsync(BackupKind kind, SetReference? extends, CancellationToken cancellationToken)
    {
        _plans = folder.Plan(layouts(), kind, extends?.LogGenerationHigh);
        foreach (var file in _plans.SelectMany(p => p.Files))
        {
            _planned[file.Header.Path] = (file.Folder, file.Length);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SourceFile>> ListDatabasesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SourceFile>>(_plans.SelectMany(p => p.Files).Where(f => f.Kind == BackupFileKind.Database).Select(ToSourceFile).ToList());

    /// <inheritdoc />
    public ValueTask<SourceLogs> ListLogsAsync(CancellationToken cancellationToken)
    {
        var files = _plans.SelectMany(p => p.Files.Where(f => f.Kind == BackupFileKind.Log))
            .Concat(_plans.SelectMany(p => p.Files.Where(f => f.Kind is BackupFileKind.Checkpoint or BackupFileKind.Other)))
            .Select(ToSourceFile)
            .ToList();
        var baseNames = _plans.Select(p => p.LogBaseName).Where(b => b is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return ValueTask.FromResult(new SourceLogs(
            files,
            _plans.Count == 1 ? _plans[0].LogGenerations : null,
            baseNames.Count == 1 ? baseNames[0] : null,
            _plans.SelectMany(p => p.Excluded ?? []).ToList()));
    }

    /// <inheritdoc />
    public ISourceFileReader Open(SourceFile file) => new FrozenFileReader(_planned[file.SourcePath].Folder, file.SourcePath, _planned[file.SourcePath].Length);

    /// <inheritdoc />
    public ValueTask<AfterCommit> AfterCommitAsync(BackupManifest manifest, CancellationToken cancellationToken) => ValueTask.FromResult(new AfterCommit(false));

    /// <inheritdoc />
    public ValueTask AbortAsync() => ValueTask.CompletedTask;

    private static SourceFile ToSourceFile(FrozenPlannedFile file) =>
        new(file.SetPath, file.Kind, file.Header.Path, file.Kind == BackupFileKind.Log ? file.Header.Generation : null, file.Kind == BackupFileKind.Database ? new ManifestDatabase
        {
            Path = file.SetPath,
            PageSize = file.Header.PageSize,
            State = file.Header.State,
            LogSignature = file.Header.LogSignature,
            RequiredLogLow = file.Header.RequiredLogLow,
            RequiredLogHigh = file.Header.RequiredLogHigh,
        } : null,
        file.Kind is BackupFileKind.Database or BackupFileKind.Log && file.Header.LogSignature.Length > 0 ? file.Header.LogSignature : null,
        file.Header.DatabaseSignature);
}
