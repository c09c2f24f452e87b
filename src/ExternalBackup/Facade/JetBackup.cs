using ExternalBackup.Engine;
using ExternalBackup.Manifest;
using ExternalBackup.Pipeline;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Sinks.Resilience;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Facade;

/// <summary>
/// The <c>JetBackup</c>/<c>JetBackupInstance</c> contract over the external backup API: back up an instance
/// into a folder, full or incremental, with a status callback, and return a <c>JET_ERR</c>.
/// <list type="bullet">
/// <item>Success: the folder holds a new set with everything needed to restore up to the moment of the backup
/// (a full set, or an incremental set of logs that extends the previous one), and the engine's logs are truncated.</item>
/// <item>Failure: the folder holds exactly what it held before (no files of the failed set; a previous full
/// backup is kept) and no log is truncated.</item>
/// </list>
/// Unlike the engine's own JetBackup, which writes one flat folder, each backup is a set folder with a manifest
/// (see <see cref="DirectorySink"/>); that is what lets a failed full backup keep the previous one.
/// </summary>
public static class JetBackup
{
    /// <summary>Synchronous form of <see cref="BackupAsync"/>, as the C function is.</summary>
    public static JetError Backup(IExternalBackupEngine engine, string? backupPath, BackupGrbits grbits, JetStatusCallback? status, JetBackupOptions? options = null) =>
        BackupAsync(engine, backupPath, grbits, status, options, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Backs up <paramref name="engine"/>'s instance into <paramref name="backupPath"/>. Like the engine's
    /// JetBackup, only <see cref="BackupGrbits.Incremental"/> changes anything and other bits are not validated.
    /// A <see langword="null"/> or empty path asks the engine to truncate its logs without a backup, which the
    /// external backup API allows only once every log was copied, so the engine's answer is returned
    /// (<see cref="JetError.InvalidBackupSequence"/> from the engines we know).
    /// </summary>
    /// <returns><see cref="JetError.Success"/> or the first error, as the engine would return it.</returns>
    public static async Task<JetError> BackupAsync(
        IExternalBackupEngine engine,
        string? backupPath,
        BackupGrbits grbits,
        JetStatusCallback? status,
        JetBackupOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= new JetBackupOptions();
        var logger = options.LoggerFactory?.CreateLogger(typeof(JetBackup).FullName!);
        if (string.IsNullOrEmpty(backupPath))
        {
            return TruncateOnly(engine);
        }

        string folder;
        try
        {
            folder = Path.GetFullPath(backupPath);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            return JetError.InvalidPath;
        }

        if (!Directory.Exists(folder))
        {
            if (!options.CreatePathIfNotExist)
            {
                return JetError.InvalidPath;
            }

            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (logger is not null)
                {
                    JetBackupEvents.FolderFailed(logger, e, folder);
                }
                return JetError.InvalidPath;
            }
        }

        var kind = (grbits & BackupGrbits.Incremental) != 0 ? BackupKind.Incremental : BackupKind.Full;
        var directory = new DirectorySink(folder, new DirectorySinkOptions { FlushToDisk = options.FlushToDisk });
        await using var sink = new ResilientSink(directory, options.Retry, options.LoggerFactory?.CreateLogger<ResilientSink>(), options.TimeProvider);
        var backup = new StreamingBackup(
            engine,
            sink,
            new StreamingBackupOptions { StatusCallback = status, CreateVerifier = options.CreateVerifier, TimeProvider = options.TimeProvider },
            options.LoggerFactory?.CreateLogger<StreamingBackup>());
        try
        {
            var result = await backup.RunAsync(kind, progress: null, cancellationToken).ConfigureAwait(false);
            if (result.EndFailure is { } endFailure)
            {
                // The set is committed and the logs truncated: deleting it now would lose data, so it stays and the
                // call succeeds; the engine's headers do not record this backup.
                if (logger is not null)
                {
                    JetBackupEvents.NotRecorded(logger, folder, endFailure);
                }
            }

            return JetError.Success;
        }
        catch (LogTruncationException e)
        {
            // The contract: a failed backup leaves no files. The set was committed before truncation failed.
            directory.DeleteSet(e.Manifest.SetId);
            return e.Error;
        }
        catch (Exception e) when (ToJetError(e) is { } code)
        {
            if (logger is not null)
            {
                JetBackupEvents.Failed(logger, e, folder, JetErrorNames.EseName(code));
            }
            return code;
        }
    }

    /// <summary>The <c>JET_ERR</c> a failure of the backup maps to, or <see langword="null"/> for exceptions that are not backup failures.</summary>
    public static JetError? ToJetError(Exception exception) => exception switch
    {
        EseException e => e.Error,
        BackupVerificationException v => IsLog(v.File) ? JetError.LogReadVerifyFailure : JetError.ReadVerifyFailure,
        DirectoryNotFoundException => JetError.InvalidPath,
        PathTooLongException => JetError.InvalidPath,
        Chains.ChainBaseNotFoundException => JetError.MissingFullBackup,
        InvalidDataException => JetError.InvalidParameter,
        IOException or UnauthorizedAccessException => JetError.DiskIO,
        _ => null,
    };

    private static bool IsLog(string file) =>
        file.EndsWith(".log", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jtx", StringComparison.OrdinalIgnoreCase);

    private static JetError TruncateOnly(IExternalBackupEngine engine)
    {
        try
        {
            engine.BeginExternalBackup(BackupGrbits.None);
        }
        catch (EseException e)
        {
            return e.Error;
        }

        try
        {
            engine.TruncateLog();
            engine.EndExternalBackup(EndBackupGrbits.Normal);
            return JetError.Success;
        }
        catch (EseException e)
        {
            try
            {
                engine.EndExternalBackup(EndBackupGrbits.Abort);
            }
            catch (EseException)
            {
                // The first error is the answer.
            }

            return e.Error;
        }
    }
}
