namespace ExternalBackup.Engine;

/// <summary><c>JET_SNP</c>: the operation a status notification is about.</summary>
#pragma warning disable CA1028 // values are the native 32-bit ones
public enum JetSnp : uint
#pragma warning restore CA1028
{
    /// <summary>JET_snpRepair.</summary>
    Repair = 2,
    /// <summary>JET_snpCompact.</summary>
    Compact = 4,
    /// <summary>JET_snpRestore.</summary>
    Restore = 8,
    /// <summary>JET_snpBackup.</summary>
    Backup = 9,
    /// <summary>JET_snpUpgrade.</summary>
    Upgrade = 10,
    /// <summary>JET_snpScrub.</summary>
    Scrub = 11,
    /// <summary>JET_snpUpgradeRecordFormat.</summary>
    UpgradeRecordFormat = 12,
}

/// <summary><c>JET_SNT</c>: the kind of status notification.</summary>
#pragma warning disable CA1028
public enum JetSnt : uint
#pragma warning restore CA1028
{
    /// <summary>JET_sntProgress.</summary>
    Progress = 0,
    /// <summary>JET_sntFail.</summary>
    Fail = 3,
    /// <summary>JET_sntBegin.</summary>
    Begin = 5,
    /// <summary>JET_sntComplete.</summary>
    Complete = 6,
    /// <summary>JET_sntRequirements.</summary>
    Requirements = 7,
}

/// <summary><c>JET_SNPROG</c>: units done of units total.</summary>
/// <param name="UnitsDone">cunitDone.</param>
/// <param name="UnitsTotal">cunitTotal.</param>
public readonly record struct JetSnProg(uint UnitsDone, uint UnitsTotal);

/// <summary>
/// A <c>JET_PFNSTATUS</c>-style callback. Like the engine, callers of this library ignore its return value
/// except to log it.
/// </summary>
public delegate JetError JetStatusCallback(JetSnp snp, JetSnt snt, JetSnProg progress);
