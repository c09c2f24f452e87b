namespace ExternalBackup.Formats.Checksums;

/// <summary>Which checksum a page carries.</summary>
public enum PageChecksumFormat
{
    /// <summary>Legacy XOR-32 with the page number in dword 1 (flag 0x2000 clear).</summary>
    Xor,

    /// <summary>ECC + XOR ("XE") block checksums (flag 0x2000 set).</summary>
    Ecc,

    /// <summary>XOR-32 over the whole page with no page number: database header, shadow header, trailer page.</summary>
    Header,
}
