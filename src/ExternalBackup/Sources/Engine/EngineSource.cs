using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sources.Engine;

/// <summary>
/// The engine's stream through the external backup API: <c>JetBeginExternalBackupInstance</c>,
/// <c>JetGetAttachInfoInstance</c> (every database listed is required in the set), <c>JetOpenFileInstance</c>/
/// <c>JetReadFileInstance</c>/<c>JetCloseFileInstance</c>, <c>JetGetLogInfoInstance2</c> after the databases, and after
/// the commit <c>JetTruncateLogInstance</c> (full and incremental) and <c>JetEndExternalBackupInstance2</c>.
/// </summary>
internal sealed class EngineSource(IExternalBackupEngine engine, ILogger logger) : IBackupSource
{
    private BackupKind _kind;
    private bool _running;

    /// <inheritdoc />
    public string Source => ManifestSources.Engine;

    /// <inheritdoc />
    public string? Producer => engine.Description;

    /// <inheritdoc />
    public string Instance => engine.InstanceName;

    /// <inheritdoc />
    public ValueTask BeginAsync(BackupKind kind, SetReference? extends, CancellationToken cancellationToken)
    {
        _kind = kind;
        engine.BeginExternalBackup(kind.CopiesDatabases() ? BackupGrbits.None : BackupGrbits.Incremental);
        _running = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SourceFile>> ListDatabasesAsync(CancellationToken cancellationToken)
    {
        var databases = engine.GetAttachInfo();
        var paths = SetLayout.DatabasePaths(databases);
        return ValueTask.FromResult<IReadOnlyList<SourceFile>>(databases.Select((d, i) => new SourceFile(paths[i], BackupFileKind.Database, d)).ToList());
    }

    /// <inheritdoc />
    public ValueTask<SourceLogs> ListLogsAsync(CancellationToken cancellationToken)
    {
        var logInfo = engine.GetLogInfo();
        var info = logInfo.Info;
        var plan = new List<SourceFile>(logInfo.Files.Count);
        long expected = info.GenLow;
        foreach (var file in logInfo.Files)
        {
            var (path, generation) = SetLayout.LogPath(file, info.BaseName);
            if (generation != expected)
            {
                throw new InvalidDataException($"the engine listed log '{file}' (generation {generation}) where generation {expected} was expected in {info.GenLow}..{info.GenHigh}");
            }

            plan.Add(new SourceFile(path, BackupFileKind.Log, file, generation));
            expected++;
        }

        if (plan.Count > 0 && expected - 1 != info.GenHigh)
        {
            throw new InvalidDataException($"the engine reported logs {info.GenLow}..{info.GenHigh} but listed {plan.Count} files ending at generation {expected - 1}");
        }

        // Whether these generations continue the extended set is the chain rule's (Chains.ChainPlanner), checked by the set writer.
        return ValueTask.FromResult(new SourceLogs(plan, plan.Count == 0 ? null : new LogGenerationRange(info.GenLow, info.GenHigh), info.BaseName));
    }

    /// <inheritdoc />
    public ISourceFileReader Open(SourceFile file) => new EngineFileReader(engine, file.SourcePath, engine.OpenFile(file.SourcePath), logger);

    /// <inheritdoc />
    public ValueTask<AfterCommit> AfterCommitAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var truncated = false;
        if (_kind.TruncatesLogs())
        {
            var deleting = TruncationList(manifest.SetId);
            try
            {
                engine.TruncateLog();
            }
            catch (EseException e)
            {
                throw new LogTruncationException(manifest, e);
            }

            truncated = true;
            if (deleting is not null)
            {
                PipelineEvents.LogsTruncated(logger, manifest.SetId, deleting.Count, TruncatedGenerations.Describe(deleting));
            }
        }

        try
        {
            engine.EndExternalBackup(EndBackupGrbits.Normal);
            _running = false;
            PipelineEvents.Ended(logger, manifest.SetId);
            return ValueTask.FromResult(new AfterCommit(truncated));
        }
        catch (EseException e)
        {
            // The set is committed (and the logs truncated): a failed end does not make it less good. Release the
            // engine's backup and say exactly what happened.
            Abort();
            return ValueTask.FromResult(new AfterCommit(truncated, $"JetEndExternalBackupInstance2 failed after the set was committed{(truncated ? " and the logs truncated" : string.Empty)}: {e.Message}; the set is good, but the engine did not record the backup in its database headers"));
        }
    }

    /// <summary>
    /// The logs <c>JetTruncateLogInstance</c> is about to delete (<c>JetGetTruncateLogInfoInstance</c>), asked only
    /// when the truncation event is logged; a failure of that informational call never stops the truncation.
    /// </summary>
    private IReadOnlyList<string>? TruncationList(string setId)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return null;
        }

        try
        {
            return engine.GetTruncateLogInfo();
        }
#pragma warning disable CA1031 // informational only: whatever the library throws, the truncation goes on and the failure is logged
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            PipelineEvents.TruncateListFailed(logger, e, setId);
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask AbortAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }

    private void Abort()
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        try
        {
            engine.EndExternalBackup(EndBackupGrbits.Abort);
        }
        catch (EseException e)
        {
            PipelineEvents.SourceAbortFailed(logger, e);
        }
    }
}
