namespace ExternalBackup.Testing.EngineModel;

/// <summary>The calls of <see cref="ExternalBackup.Engine.IExternalBackupEngine"/>, for fault injection and the call log.</summary>
public enum EngineCall
{
    /// <summary><c>JetBeginExternalBackupInstance</c>.</summary>
    BeginExternalBackup,

    /// <summary><c>JetGetAttachInfoInstanceW</c>.</summary>
    GetAttachInfo,

    /// <summary><c>JetOpenFileInstanceW</c>.</summary>
    OpenFile,

    /// <summary><c>JetReadFileInstance</c>.</summary>
    ReadFile,

    /// <summary><c>JetCloseFileInstance</c>.</summary>
    CloseFile,

    /// <summary><c>JetGetLogInfoInstance2W</c>.</summary>
    GetLogInfo,

    /// <summary><c>JetGetTruncateLogInfoInstanceW</c>.</summary>
    GetTruncateLogInfo,

    /// <summary><c>JetTruncateLogInstance</c>.</summary>
    TruncateLog,

    /// <summary><c>JetEndExternalBackupInstance2</c>.</summary>
    EndExternalBackup,

    /// <summary><c>JetStopBackupInstance</c>.</summary>
    StopBackup,
}

/// <summary>One call the model received, in order.</summary>
/// <param name="Sequence">1 for the first call the model received, then 2, 3, ...</param>
/// <param name="Call">Which call.</param>
/// <param name="UseNumber">1 for the first use of this <paramref name="Call"/>, then 2, 3, ... (what fault rules count).</param>
/// <param name="Argument">The call's argument as text (grbits, file name, buffer length), or empty.</param>
/// <param name="Result">What the call returned: <see cref="ExternalBackup.Engine.JetError.Success"/> or the code it threw.</param>
/// <param name="Injected">Whether <paramref name="Result"/> came from an injected fault.</param>
public sealed record EngineCallRecord(int Sequence, EngineCall Call, int UseNumber, string Argument, ExternalBackup.Engine.JetError Result, bool Injected);
