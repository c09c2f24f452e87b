namespace ExternalBackup.Formats.Database;

/// <summary>What the page-size search found for each copy of a shadowed header.</summary>
public enum HeaderCopyStatus
{
    /// <summary>Both copies valid and identical.</summary>
    BothValid,

    /// <summary>Both valid but different (the primary is used; eseutil: "primary header and shadow header are not identical").</summary>
    BothValidDifferent,

    /// <summary>Only the primary is valid (the shadow is bad).</summary>
    ShadowBad,

    /// <summary>Only the shadow is valid (the primary is bad; the shadow is used).</summary>
    PrimaryBad,

    /// <summary>Neither copy is valid (JET_errReadVerifyFailure / database corrupted).</summary>
    BothBad,
}
