namespace ExternalBackup.Engine;

/// <summary>
/// The ESE external backup API of one instance, one method per call. Implementations: the native binding
/// (esent.dll or an ESE build for Linux) and the in-process engine model of <c>ExternalBackup.Testing</c>.
/// A failing call throws <see cref="EseException"/> naming the call and the code; no method retries.
/// Methods are synchronous because the engine's calls are.
/// </summary>
public interface IExternalBackupEngine
{
    /// <summary>A short description of the engine for logs and manifests (e.g. <c>model</c>, <c>esent.dll</c>).</summary>
    string Description { get; }

    /// <summary>The instance name or folder, recorded in manifests.</summary>
    string InstanceName { get; }

    /// <summary><c>JetBeginExternalBackupInstance(instance, grbit)</c>.</summary>
    void BeginExternalBackup(BackupGrbits grbits);

    /// <summary><c>JetGetAttachInfoInstanceW</c>: full paths of the attached, logged databases.</summary>
    IReadOnlyList<string> GetAttachInfo();

    /// <summary><c>JetOpenFileInstanceW</c>: opens a database or log for reading.</summary>
    BackupFileHandle OpenFile(string fileName);

    /// <summary>
    /// <c>JetReadFileInstance</c>: reads the next bytes of <paramref name="file"/> into <paramref name="buffer"/>.
    /// The buffer must start on an OS page boundary and its length be a multiple of the database page size;
    /// the first read of a database needs at least 3 pages, of a log at least 2. Returns 0 at the end.
    /// </summary>
    int ReadFile(BackupFileHandle file, Span<byte> buffer);

    /// <summary><c>JetCloseFileInstance</c>.</summary>
    void CloseFile(BackupFileHandle file);

    /// <summary><c>JetGetLogInfoInstance2W</c>: the logs to copy; the first call rolls the log.</summary>
    BackupLogInfo GetLogInfo();

    /// <summary><c>JetGetTruncateLogInfoInstanceW</c>: the logs <see cref="TruncateLog"/> would delete.</summary>
    IReadOnlyList<string> GetTruncateLogInfo();

    /// <summary><c>JetTruncateLogInstance</c>: deletes the logs no longer needed, once every listed log was copied.</summary>
    void TruncateLog();

    /// <summary><c>JetEndExternalBackupInstance2(instance, grbit)</c>.</summary>
    void EndExternalBackup(EndBackupGrbits grbits);

    /// <summary><c>JetStopBackupInstance</c>: later backup calls fail with <see cref="JetError.BackupAbortByServer"/>.</summary>
    void StopBackup();
}
