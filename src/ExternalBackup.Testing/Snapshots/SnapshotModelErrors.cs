namespace ExternalBackup.Testing.Snapshots;

/// <summary>The VSS error codes the provider model uses (values from the VSS documentation).</summary>
public static class SnapshotModelErrors
{
    /// <summary>VSS_E_BAD_STATE: a call out of order.</summary>
    public const int BadState = unchecked((int)0x80042301);

    /// <summary>VSS_E_UNEXPECTED.</summary>
    public const int Unexpected = unchecked((int)0x80042302);

    /// <summary>VSS_E_SNAPSHOT_SET_IN_PROGRESS: another set was started and neither created nor aborted.</summary>
    public const int SnapshotSetInProgress = unchecked((int)0x80042316);

    /// <summary>VSS_E_OBJECT_NOT_FOUND: an unknown volume or component.</summary>
    public const int ObjectNotFound = unchecked((int)0x80042308);

    /// <summary>VSS_E_WRITERERROR_RETRYABLE: a writer failed at a step.</summary>
    public const int WriterErrorRetryable = unchecked((int)0x800423F3);
}
