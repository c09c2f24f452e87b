namespace ExternalBackup.Engine;

/// <summary>
/// ESE error and warning codes met on the backup and restore paths, with the exact values of <c>esent.h</c>.
/// Member names drop the <c>JET_err</c>/<c>JET_wrn</c> prefix; <see cref="JetErrorNames.EseName(JetError)"/> restores it.
/// </summary>
public enum JetError
{
    /// <summary>JET_errSuccess.</summary>
    Success = 0,
    /// <summary>JET_wrnNyi: function not yet implemented.</summary>
    WrnNyi = -1,
    /// <summary>JET_errNoBackupDirectory: no backup directory given.</summary>
    NoBackupDirectory = -503,
    /// <summary>JET_errBackupDirectoryNotEmpty: the backup directory is not empty.</summary>
    BackupDirectoryNotEmpty = -504,
    /// <summary>JET_errBackupInProgress: a backup is already in progress for the instance.</summary>
    BackupInProgress = -505,
    /// <summary>JET_errRestoreInProgress: a restore is in progress on the instance.</summary>
    RestoreInProgress = -506,
    /// <summary>JET_errMissingPreviousLogFile: a log generation before the first one is missing.</summary>
    MissingPreviousLogFile = -509,
    /// <summary>JET_errLogWriteFail: logging is disabled because of an unexpected error.</summary>
    LogWriteFail = -510,
    /// <summary>JET_errLogDisabledDueToRecoveryFailure: logging is disabled after a failed recovery.</summary>
    LogDisabledDueToRecoveryFailure = -511,
    /// <summary>JET_errInvalidLogSequence: the log files do not form a sequence.</summary>
    InvalidLogSequence = -515,
    /// <summary>JET_errLoggingDisabled: the instance runs without logging; no backup is allowed.</summary>
    LoggingDisabled = -516,
    /// <summary>JET_errNoBackup: no backup is in progress.</summary>
    NoBackup = -520,
    /// <summary>JET_errInvalidBackupSequence: a backup call out of order.</summary>
    InvalidBackupSequence = -521,
    /// <summary>JET_errBackupNotAllowedYet: the instance is not ready for backup yet (initializing).</summary>
    BackupNotAllowedYet = -523,
    /// <summary>JET_errDeleteBackupFileFail: a backup file could not be deleted.</summary>
    DeleteBackupFileFail = -524,
    /// <summary>JET_errMakeBackupDirectoryFail: the backup directory could not be made.</summary>
    MakeBackupDirectoryFail = -525,
    /// <summary>JET_errInvalidBackup: an incremental backup is not allowed with circular logging.</summary>
    InvalidBackup = -526,
    /// <summary>JET_errRecoveredWithErrors: restored in repair mode with errors.</summary>
    RecoveredWithErrors = -527,
    /// <summary>JET_errMissingLogFile: the current log file is missing.</summary>
    MissingLogFile = -528,
    /// <summary>JET_errLogDiskFull: the log disk is full.</summary>
    LogDiskFull = -529,
    /// <summary>JET_errMissingPatchPage (obsolete).</summary>
    MissingPatchPage = -534,
    /// <summary>JET_errBadPatchPage: a backup trailer (patch) page is corrupt.</summary>
    BadPatchPage = -535,
    /// <summary>JET_errPatchFileMissing: the backup has no patch file.</summary>
    PatchFileMissing = -538,
    /// <summary>JET_errRequiredLogFilesMissing: log files needed for recovery are missing.</summary>
    RequiredLogFilesMissing = -543,
    /// <summary>JET_errSoftRecoveryOnBackupDatabase: soft recovery attempted on a streamed backup database.</summary>
    SoftRecoveryOnBackupDatabase = -544,
    /// <summary>JET_errDatabasePatchFileMismatch: header and trailer do not belong together.</summary>
    DatabasePatchFileMismatch = -552,
    /// <summary>JET_errEndingRestoreLogTooLow: the backup's last log is below what the database needs.</summary>
    EndingRestoreLogTooLow = -553,
    /// <summary>JET_errStartingRestoreLogTooHigh: the backup's first log is above what the database needs.</summary>
    StartingRestoreLogTooHigh = -554,
    /// <summary>JET_errGivenLogFileHasBadSignature: a restore log belongs to another log stream.</summary>
    GivenLogFileHasBadSignature = -555,
    /// <summary>JET_errGivenLogFileIsNotContiguous: restore logs are not contiguous.</summary>
    GivenLogFileIsNotContiguous = -556,
    /// <summary>JET_errMissingRestoreLogFiles: restore logs are missing.</summary>
    MissingRestoreLogFiles = -557,
    /// <summary>JET_errMissingFullBackup: an incremental backup needs a previous full backup.</summary>
    MissingFullBackup = -560,
    /// <summary>JET_errMissingFileToBackup: a file to back up is missing.</summary>
    MissingFileToBackup = -569,
    /// <summary>JET_errBadRestoreTargetInstance: the restore target instance is not valid.</summary>
    BadRestoreTargetInstance = -577,
    /// <summary>JET_wrnTargetInstanceRunning: the restore target instance is running.</summary>
    WrnTargetInstanceRunning = 578,
    /// <summary>JET_errLogReadVerifyFailure: checksum error on a log file.</summary>
    LogReadVerifyFailure = -612,
    /// <summary>JET_errRestoreOfNonBackupDatabase: the database is not from a backup.</summary>
    RestoreOfNonBackupDatabase = -615,
    /// <summary>JET_errLogFileNotCopied: logs cannot be truncated before every listed log was copied.</summary>
    LogFileNotCopied = -616,
    /// <summary>JET_errSurrogateBackupInProgress (not public).</summary>
    SurrogateBackupInProgress = -617,
    /// <summary>errBackupAbortByCaller (engine internal): the caller ended the backup with abort.</summary>
    BackupAbortByCaller = -800,
    /// <summary>JET_errBackupAbortByServer: the backup was stopped by JetStopBackup or JetTerm.</summary>
    BackupAbortByServer = -801,
    /// <summary>JET_errInvalidGrbit: invalid options.</summary>
    InvalidGrbit = -900,
    /// <summary>JET_errTermInProgress: the instance is shutting down.</summary>
    TermInProgress = -1000,
    /// <summary>JET_errInvalidParameter: an invalid parameter.</summary>
    InvalidParameter = -1003,
    /// <summary>JET_errOutOfMemory: out of memory (also: a backup file is already open).</summary>
    OutOfMemory = -1011,
    /// <summary>JET_errReadVerifyFailure: checksum error on a database page.</summary>
    ReadVerifyFailure = -1018,
    /// <summary>JET_errDiskIO: a disk I/O error.</summary>
    DiskIO = -1022,
    /// <summary>JET_errInvalidPath: invalid file path (the destination path does not exist).</summary>
    InvalidPath = -1023,
    /// <summary>JET_errNotInitialized: the instance is not initialized.</summary>
    NotInitialized = -1029,
    /// <summary>JET_errAlreadyInitialized: the instance is already initialized.</summary>
    AlreadyInitialized = -1030,
    /// <summary>JET_errInitInProgress: the instance is initializing.</summary>
    InitInProgress = -1031,
    /// <summary>JET_errBufferTooSmall: the buffer is too small.</summary>
    BufferTooSmall = -1038,
    /// <summary>JET_errRunningInOneInstanceMode.</summary>
    RunningInOneInstanceMode = -1080,
    /// <summary>JET_errRunningInMultiInstanceMode: a legacy call in multi-instance mode.</summary>
    RunningInMultiInstanceMode = -1081,
    /// <summary>JET_errInstanceUnavailable: a fatal error revoked access to the instance's data.</summary>
    InstanceUnavailable = -1090,
    /// <summary>JET_errInstanceUnavailableDueToFatalLogDiskFull.</summary>
    InstanceUnavailableDueToFatalLogDiskFull = -1092,
    /// <summary>JET_errInvalidInstance: the instance handle is not valid.</summary>
    InvalidInstance = -1115,
    /// <summary>JET_errReadPgnoVerifyFailure: a page read has the wrong page number.</summary>
    ReadPgnoVerifyFailure = -1118,
    /// <summary>JET_errReadLostFlushVerifyFailure: a lost flush was detected.</summary>
    ReadLostFlushVerifyFailure = -1119,
    /// <summary>JET_errDatabaseNotFound: no such attached database.</summary>
    DatabaseNotFound = -1203,
    /// <summary>JET_errDatabaseCorrupted: the database is corrupted.</summary>
    DatabaseCorrupted = -1206,
    /// <summary>JET_errDatabaseAttachedForRecovery.</summary>
    DatabaseAttachedForRecovery = -1231,
    /// <summary>JET_errClientRequestToStopJetService: JetStopService was called.</summary>
    ClientRequestToStopJetService = -1329,
    /// <summary>JET_errFileNotFound: file not found.</summary>
    FileNotFound = -1811,
    /// <summary>JET_errAfterInitialization: restore after initialization.</summary>
    AfterInitialization = -1850,
    /// <summary>JET_errSessionSharingViolation: one session used by two threads.</summary>
    SessionSharingViolation = -1910,
    /// <summary>JET_errCallbackFailed: a callback failed.</summary>
    CallbackFailed = -2101,
    /// <summary>JET_errOSSnapshotInvalidSequence.</summary>
    OSSnapshotInvalidSequence = -2401,
    /// <summary>JET_errOSSnapshotTimeOut.</summary>
    OSSnapshotTimeOut = -2402,
    /// <summary>JET_errOSSnapshotNotAllowed.</summary>
    OSSnapshotNotAllowed = -2403,
    /// <summary>JET_errOSSnapshotInvalidSnapId.</summary>
    OSSnapshotInvalidSnapId = -2404,
}
