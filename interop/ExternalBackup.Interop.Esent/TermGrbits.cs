namespace ExternalBackup.Interop.Esent;

/// <summary>Options of <c>JetTerm2</c> (HDR:4391-4396).</summary>
[Flags]
#pragma warning disable CA1711 // the ESE name is "grbit"
public enum TermGrbits : uint
#pragma warning restore CA1711
{
    /// <summary>A normal, clean termination (same as <c>JetTerm</c>).</summary>
    None = 0,
    /// <summary>JET_bitTermComplete: finish background cleanup before terminating.</summary>
    Complete = 0x1,
    /// <summary>JET_bitTermAbrupt: terminate as quickly as possible.</summary>
    Abrupt = 0x2,
    /// <summary>JET_bitTermStopBackup: end any external backup in progress (a plain JetTerm would fail with JET_errBackupInProgress).</summary>
    StopBackup = 0x4,
    /// <summary>JET_bitTermDirty: terminate without flushing (0x0601).</summary>
    Dirty = 0x8,
}
