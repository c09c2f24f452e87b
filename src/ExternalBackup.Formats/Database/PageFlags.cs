namespace ExternalBackup.Formats.Database;

/// <summary>Database page flags (offset 36).</summary>
[Flags]
public enum PageFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>B-tree root.</summary>
    Root = 0x1,

    /// <summary>Leaf.</summary>
    Leaf = 0x2,

    /// <summary>Parent of leaves.</summary>
    ParentOfLeaf = 0x4,

    /// <summary>Empty (unlinked) page.</summary>
    Empty = 0x8,

    /// <summary>Set by repair.</summary>
    Repair = 0x10,

    /// <summary>Space tree page.</summary>
    SpaceTree = 0x20,

    /// <summary>Index page.</summary>
    Index = 0x40,

    /// <summary>Long-value page.</summary>
    LongValue = 0x80,

    /// <summary>Non-unique keys.</summary>
    NonUniqueKeys = 0x400,

    /// <summary>New record format.</summary>
    NewRecordFormat = 0x800,

    /// <summary>ECC checksum format.</summary>
    NewChecksumFormat = 0x2000,

    /// <summary>Scrubbed.</summary>
    Scrubbed = 0x4000,

    /// <summary>Two-bit flush state.</summary>
    FlushTypeMask = 0x18000,

    /// <summary>Pre-initialised page.</summary>
    PreInit = 0x20000,

    /// <summary>FDP delete (RBS revert).</summary>
    FdpDelete = 0x40000,
}
