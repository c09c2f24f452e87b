namespace ExternalBackup.Formats.Primitives;

/// <summary>The <c>le_filetype</c> value every ESE header stores at offset 667 (<c>JET_filetype*</c>).</summary>
public enum EseFileType
{
    /// <summary>0: not recorded (files older than about 2001).</summary>
    Unknown = 0,

    /// <summary>1: a database.</summary>
    Database = 1,

    /// <summary>2: a streaming file (.stm).</summary>
    StreamingFile = 2,

    /// <summary>3: a transaction log.</summary>
    Log = 3,

    /// <summary>4: a checkpoint.</summary>
    Checkpoint = 4,

    /// <summary>5: a temporary database.</summary>
    TempDatabase = 5,

    /// <summary>6: FTL.</summary>
    Ftl = 6,

    /// <summary>7: a flush map (.jfm).</summary>
    FlushMap = 7,

    /// <summary>8: a cached file.</summary>
    CachedFile = 8,

    /// <summary>9: a caching file.</summary>
    CachingFile = 9,

    /// <summary>10: a snapshot.</summary>
    Snapshot = 10,

    /// <summary>11: an RBS revert checkpoint.</summary>
    RbsRevertCheckpoint = 11,
}
