namespace ExternalBackup.Sinks.FileSystem;

/// <summary>What a folder <see cref="DirectoryLock"/> locks is, as its messages name it.</summary>
/// <param name="What">What the folder is, e.g. <c>backup destination</c>: "the backup destination D is read-only".</param>
/// <param name="HeldBy">What the lock's holder does there, e.g. <c>another backup is writing into</c>: "another backup is writing into D: its lock file ...".</param>
internal sealed record LockedFolder(string What, string HeldBy)
{
    /// <summary>A backup destination (a folder of sets), locked by the one writer that writes into it.</summary>
    public static readonly LockedFolder BackupDestination = new("backup destination", "another backup is writing into");
}
