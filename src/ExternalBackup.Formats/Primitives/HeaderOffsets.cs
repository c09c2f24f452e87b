namespace ExternalBackup.Formats.Primitives;

/// <summary>Offsets shared by every ESE file header.</summary>
public static class HeaderOffsets
{
    /// <summary>The 32-bit checksum at offset 0.</summary>
    public const int Checksum = 0;

    /// <summary>The 32-bit <c>le_filetype</c> (unaligned) common to database, log, checkpoint and flush-map headers.</summary>
    public const int FileType = 667;
}
