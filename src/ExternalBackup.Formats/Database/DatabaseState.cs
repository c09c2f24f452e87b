namespace ExternalBackup.Formats.Database;

/// <summary>The database state (<c>le_dbstate</c>, offset 52; <c>JET_dbstate*</c>).</summary>
public enum DatabaseState
{
    /// <summary>Not a valid state.</summary>
    Illegal = 0,

    /// <summary>1: just created.</summary>
    JustCreated = 1,

    /// <summary>2: dirty shutdown; logs <c>GenMinRequired..GenMaxRequired</c> are needed.</summary>
    DirtyShutdown = 2,

    /// <summary>3: clean shutdown; no logs are needed.</summary>
    CleanShutdown = 3,

    /// <summary>4: being converted.</summary>
    BeingConverted = 4,

    /// <summary>5: force detach (eseutil prints "Illegal").</summary>
    ForceDetach = 5,

    /// <summary>6: incremental reseed in progress.</summary>
    IncrementalReseedInProgress = 6,

    /// <summary>7: dirty and patched shutdown.</summary>
    DirtyAndPatchedShutdown = 7,

    /// <summary>8: revert in progress.</summary>
    RevertInProgress = 8,
}

/// <summary>eseutil's texts for <see cref="DatabaseState"/>.</summary>
public static class DatabaseStateText
{
    /// <summary>The <c>State:</c> text eseutil /mh prints.</summary>
    public static string ToEseutilText(this DatabaseState state) => state switch
    {
        DatabaseState.JustCreated => "Just Created",
        DatabaseState.DirtyShutdown => "Dirty Shutdown",
        DatabaseState.CleanShutdown => "Clean Shutdown",
        DatabaseState.BeingConverted => "Being Converted",
        DatabaseState.IncrementalReseedInProgress => "Incremental Reseed In Progress",
        DatabaseState.DirtyAndPatchedShutdown => "Dirty and Patched Shutdown",
        DatabaseState.RevertInProgress => "Database Revert in Progress",
        _ => "Illegal",
    };
}
