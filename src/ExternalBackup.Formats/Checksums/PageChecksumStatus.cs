namespace ExternalBackup.Formats.Checksums;

/// <summary>The outcome of checking one page.</summary>
public enum PageChecksumStatus
{
    /// <summary>The stored checksum matches.</summary>
    Ok,

    /// <summary>Every byte is zero: an uninitialised page, not checksummed (as eseutil /k).</summary>
    Uninitialized,

    /// <summary>A single-bit error that the ECC code can correct; the bit is reported.</summary>
    Correctable,

    /// <summary>The data is intact but belongs to another page (wrong page number).</summary>
    WrongPageNumber,

    /// <summary>The checksum does not match.</summary>
    Bad,
}
