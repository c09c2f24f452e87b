using System.Globalization;
using ExternalBackup.Chains;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Snapshots;

/// <summary>
/// A backup of a frozen folder with no snapshot provider (a snapshot mounted by other means, a stopped instance, a
/// disk image): begins the set, copies and verifies through <see cref="FrozenFolderSource"/>, commits; aborts the
/// set on any failure or cancellation. No engine or writer is told anything, so no logs are truncated.
/// </summary>
public sealed class FrozenFolderBackup
{
    private readonly FrozenFolderSource _source;
    private readonly TimeProvider _time;

    /// <summary>Creates the backup over <paramref name="source"/>.</summary>
    public FrozenFolderBackup(FrozenFolderSource source, TimeProvider? time = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Backs up <paramref name="layout"/> into <paramref name="sink"/> and returns the committed manifest.</summary>
    /// <param name="layout">The frozen folders.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="kind">The kind recorded (incremental and differential copy only logs).</param>
    /// <param name="setId">The set name; default <c>yyyyMMddTHHmmssfffZ-kind</c>.</param>
    /// <param name="extends">
    /// The set an incremental or differential extends, when the caller's own catalogue chose it; default
    /// <see langword="null"/>: the chain rule finds it in <paramref name="sink"/> (same instance and log stream,
    /// contiguous generations) before the set is begun, and refuses the backup
    /// (<see cref="ChainBaseNotFoundException"/>) when there is none.
    /// </param>
    /// <param name="allowOrphan">Commit an incremental or differential without a base found (no <c>extends</c>) instead of refusing it.</param>
    /// <param name="cancellationToken">Cancels the backup (the set is aborted).</param>
    public async Task<BackupManifest> RunAsync(FrozenFolderLayout layout, IBackupSink sink, BackupKind kind, string? setId = null, SetReference? extends = null, bool allowOrphan = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sink);
        var started = _time.GetUtcNow();
        setId ??= $"{started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{kind.Name()}";
        var instance = string.Join(";", layout.DatabaseFolders.Concat(layout.LogFolders).Select(Path.GetFullPath).Distinct());
        if (extends is null && !kind.CopiesDatabases())
        {
            // Everything of a frozen folder is known before the set begins: instance, log stream, generations.
            var chain = await ChainPlanner.OpenAsync(sink, kind, instance, allowOrphan, cancellationToken).ConfigureAwait(false);
            var plan = _source.Plan(layout, kind);
            chain.ContinueWith(plan.LogGenerations);
            if (plan.LogSignature is { } signature)
            {
                chain.ContinueWith(signature, plan.Files.FirstOrDefault(f => f.Kind == BackupFileKind.Log)?.Header.Path ?? instance);
            }

            extends = chain.Reference;
        }

        var begun = false;
        try
        {
            await sink.BeginSetAsync(new BackupSetDescriptor(setId, kind, started, instance), cancellationToken).ConfigureAwait(false);
            begun = true;
            var copy = await _source.CopyAsync(layout, sink, kind, cancellationToken).ConfigureAwait(false);
            var manifest = copy.ToManifest(setId, kind, started, _time.GetUtcNow(), instance, "frozen-folder", truncatesLogs: false, extends);
            cancellationToken.ThrowIfCancellationRequested();
            await sink.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        catch
        {
            if (begun)
            {
                try
                {
                    await sink.AbortAsync(CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // an abort failure must not hide the cause of the failed backup
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            throw;
        }
    }
}
