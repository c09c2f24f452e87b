using System.Buffers.Binary;

namespace ExternalBackup.Formats.Database;

/// <summary>The database page header (<c>PGHDR</c>, 40 bytes; <c>PGHDR2</c>, 80 bytes on pages above 8 KiB).</summary>
/// <param name="Checksum">The 64-bit checksum field at offset 0.</param>
/// <param name="DbTime">DBTIME of the last change (offset 8).</param>
/// <param name="PreviousPage">Left sibling (offset 16).</param>
/// <param name="NextPage">Right sibling (offset 20).</param>
/// <param name="ObjectIdFdp">Owning B-tree object id (offset 24).</param>
/// <param name="FreeBytes">Free bytes (offset 28).</param>
/// <param name="UncommittedFreeBytes">Uncommitted free bytes (offset 30).</param>
/// <param name="FirstFreeByte">First free byte after the header (offset 32).</param>
/// <param name="TagState">Tag count (bits 0-11) and reserved tags (offset 34).</param>
/// <param name="Flags">Page flags (offset 36).</param>
/// <param name="PageNumber">The page number of a large page (offset 64), or null for pages up to 8 KiB.</param>
public readonly record struct PageHeader(
    ulong Checksum, ulong DbTime, uint PreviousPage, uint NextPage, uint ObjectIdFdp,
    ushort FreeBytes, ushort UncommittedFreeBytes, ushort FirstFreeByte, ushort TagState, PageFlags Flags, uint? PageNumber)
{
    /// <summary>The header size for a page size (40 up to 8 KiB, 80 above).</summary>
    public static int SizeFor(int pageSize) => pageSize <= 8192 ? 40 : 80;

    /// <summary>The tag count (itagMicFree).</summary>
    public int TagCount => TagState & 0x0FFF;

    /// <summary>Reads the page header from a whole page (never throws for pages of at least 80 bytes).</summary>
    public static PageHeader Read(ReadOnlySpan<byte> page) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(page),
        BinaryPrimitives.ReadUInt64LittleEndian(page[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(page[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(page[20..]),
        BinaryPrimitives.ReadUInt32LittleEndian(page[24..]),
        BinaryPrimitives.ReadUInt16LittleEndian(page[28..]),
        BinaryPrimitives.ReadUInt16LittleEndian(page[30..]),
        BinaryPrimitives.ReadUInt16LittleEndian(page[32..]),
        BinaryPrimitives.ReadUInt16LittleEndian(page[34..]),
        (PageFlags)BinaryPrimitives.ReadUInt32LittleEndian(page[36..]),
        page.Length > 8192 ? BinaryPrimitives.ReadUInt32LittleEndian(page[64..]) : null);

    /// <summary>
    /// The structural checks the engine makes on read (<c>CPAGE::ErrCheckPage</c>), or null when they pass.
    /// These are not part of eseutil /k; the verifier reports them apart.
    /// </summary>
    public string? CheckStructure(int pageSize)
    {
        var room = pageSize - SizeFor(pageSize);
        if (FreeBytes > room) { return $"cbFree {FreeBytes} exceeds the page"; }
        if (UncommittedFreeBytes > FreeBytes) { return $"cbUncommittedFree {UncommittedFreeBytes} exceeds cbFree {FreeBytes}"; }
        if (FirstFreeByte > room) { return $"ibMicFree {FirstFreeByte} exceeds the page"; }
        if (TagCount >= room / 4) { return $"tag count {TagCount} too large"; }
        if ((Flags & PageFlags.Empty) != 0 && (Flags & PageFlags.PreInit) != 0) { return "page both empty and pre-initialised"; }
        if ((Flags & PageFlags.Index) != 0 && (Flags & PageFlags.LongValue) != 0) { return "page both index and long-value"; }
        return null;
    }
}
