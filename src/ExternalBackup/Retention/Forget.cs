using ExternalBackup.Repository;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExternalBackup.Retention;

/// <summary>
/// Applies a <see cref="RetentionPolicy"/> to a destination: takes its lock (no backup writes meanwhile), cleans what
/// interrupted backups and removals left, lists the committed sets, and removes those the policy does not keep,
/// newest first, each manifest first (<see cref="IBackupSetRemover"/>): a crash at any point leaves only whole sets,
/// each with its chain.
/// </summary>
public static class Forget
{
    /// <summary>Runs the policy; with <paramref name="dryRun"/> only decides (no lock, nothing removed or swept).</summary>
    /// <exception cref="InvalidDataException">A manifest is malformed, or a set cannot be removed on its own.</exception>
    /// <exception cref="IOException">The destination is locked by a backup, or a removal failed.</exception>
    public static async ValueTask<ForgetResult> RunAsync(
        IBackupRepository repository, IBackupSetRemover remover, RetentionPolicy policy, bool dryRun, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(remover);
        ArgumentNullException.ThrowIfNull(policy);
        logger ??= NullLogger.Instance;
        policy.Validate();
        if (dryRun)
        {
            var planned = policy.Apply(await repository.ListSetsAsync(cancellationToken).ConfigureAwait(false));
            return new ForgetResult(planned, [], [], DryRun: true);
        }

        var held = await remover.LockAsync(cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var swept = await remover.SweepAsync(cancellationToken).ConfigureAwait(false);
            foreach (var line in swept)
            {
                RetentionLog.Swept(logger, repository.Location, line);
            }

            var plan = policy.Apply(await repository.ListSetsAsync(cancellationToken).ConfigureAwait(false));
            var removed = new List<string>();
            foreach (var decision in plan.Removals)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RetentionLog.Removing(logger, repository.Location, decision.Set.Name, decision.Set.Manifest.Kind.ToString());
                await remover.RemoveManifestAsync(decision.Set, cancellationToken).ConfigureAwait(false);

                // From here the set is not committed; should this stop, the next run's sweep removes its files.
                await remover.RemoveFilesAsync(decision.Set, CancellationToken.None).ConfigureAwait(false);
                removed.Add(decision.Set.Name);
            }

            return new ForgetResult(plan, removed, swept, DryRun: false);
        }
    }
}
