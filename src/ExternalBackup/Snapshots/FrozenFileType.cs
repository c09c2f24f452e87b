namespace ExternalBackup.Snapshots;

/// <summary>What an ESE file in a frozen folder is.</summary>
public enum FrozenFileType
{
    /// <summary>A database (header magic 0x89ABCDEF, file type database).</summary>
    Database,
    /// <summary>A transaction log generation.</summary>
    Log,
    /// <summary>A checkpoint file.</summary>
    Checkpoint,
    /// <summary>An ESE file that is not backed up (temporary database, flush map, reserve log).</summary>
    Other,
    /// <summary>A file a snapshot component names that is not a database, log or checkpoint (VSS: <c>IVssWMComponent::GetFile</c>); stored as kind other under <c>files/</c>.</summary>
    ComponentFile,
}
