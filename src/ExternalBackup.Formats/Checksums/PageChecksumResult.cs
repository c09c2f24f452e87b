namespace ExternalBackup.Formats.Checksums;

/// <summary>The result of checking one page.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Format">The checksum format used.</param>
/// <param name="Stored">The stored 64-bit checksum of the first failing block (or block 0).</param>
/// <param name="Computed">The computed 64-bit checksum of that block.</param>
/// <param name="Block">The index of the first failing block (0 for pages up to 8 KiB).</param>
/// <param name="CorrectableBit">For <see cref="PageChecksumStatus.Correctable"/>: the bit offset of the error inside the page (byte = bit / 8).</param>
/// <param name="ActualPageNumber">For <see cref="PageChecksumStatus.WrongPageNumber"/>: the page number the data belongs to.</param>
public readonly record struct PageChecksumResult(
    PageChecksumStatus Status,
    PageChecksumFormat Format,
    ulong Stored,
    ulong Computed,
    int Block = 0,
    long CorrectableBit = -1,
    uint ActualPageNumber = 0)
{
    /// <summary>True when the page needs no attention (<see cref="PageChecksumStatus.Ok"/> or <see cref="PageChecksumStatus.Uninitialized"/>).</summary>
    public bool IsGood => Status is PageChecksumStatus.Ok or PageChecksumStatus.Uninitialized;

    /// <summary>A one-line cause in eseutil's spirit.</summary>
    public string Describe() => Status switch
    {
        PageChecksumStatus.Ok => "checksum ok",
        PageChecksumStatus.Uninitialized => "uninitialized (all zero)",
        PageChecksumStatus.Correctable => $"checksum verification failed but the corruption ( bit {CorrectableBit} ) can be corrected ({Format}, block {Block})",
        PageChecksumStatus.WrongPageNumber => $"wrong page number: the data belongs to page {ActualPageNumber} ({Format} checksum)",
        _ => $"checksum failed ({Format}, block {Block}): stored 0x{Stored:x16}, computed 0x{Computed:x16}",
    };
}
