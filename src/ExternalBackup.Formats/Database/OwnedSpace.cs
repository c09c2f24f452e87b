using System.Buffers.Binary;

namespace ExternalBackup.Formats.Database;

/// <summary>
/// Reads how many pages a database owns, from the two pages that say so: the database root (page 1), whose external
/// header starts with the primary extent size, and the root of its owned-extent tree (normally page 2) when it is a single
/// leaf, whose node keys are the last page numbers of the owned extents (big-endian). Conservative: nodes that are
/// deleted or prefix-compressed are skipped, so the result is a lower bound, and anything unexpected gives null.
/// A file with fewer data pages than this is truncated.
/// </summary>
public static class OwnedSpace
{
    private const int ExternalHeaderSize = 16;

    /// <summary>The primary extent size (pages) and the owned-extent tree root from the database root page (page 1), or null.</summary>
    public static (uint PrimaryPages, uint OwnedExtentRoot)? ReadRoot(ReadOnlySpan<byte> page1)
    {
        var h = PageHeader.Read(page1);
        if (h.ObjectIdFdp != 1 || (h.Flags & PageFlags.Root) == 0 || h.TagCount < 1)
        {
            return null;
        }

        var tag0 = Tag(page1, 0);
        if (tag0 is not { Size: ExternalHeaderSize } t)
        {
            return null;
        }

        var ext = page1.Slice(PageHeader.SizeFor(page1.Length) + t.Offset, ExternalHeaderSize);
        var primary = BinaryPrimitives.ReadUInt32LittleEndian(ext);
        var oe = BinaryPrimitives.ReadUInt32LittleEndian(ext[12..]);
        return primary is > 0 and < (1u << 31) ? (primary, oe) : null;
    }

    /// <summary>The highest page number of the owned extents listed in a single-leaf owned-extent tree root, or null.</summary>
    public static uint? ReadLastOwnedPage(ReadOnlySpan<byte> ownedExtentRoot)
    {
        var h = PageHeader.Read(ownedExtentRoot);
        const PageFlags needed = PageFlags.Root | PageFlags.Leaf | PageFlags.SpaceTree;
        if (h.ObjectIdFdp != 1 || (h.Flags & needed) != needed)
        {
            return null;
        }

        uint? max = null;
        var large = ownedExtentRoot.Length > 8192;
        for (var i = 1; i < h.TagCount; i++)
        {
            if (Tag(ownedExtentRoot, i) is not { } t || t.Size < 6)
            {
                continue;
            }

            var node = ownedExtentRoot.Slice(PageHeader.SizeFor(ownedExtentRoot.Length) + t.Offset, t.Size);
            var first = BinaryPrimitives.ReadUInt16LittleEndian(node);
            var flags = large ? first >> 13 : t.Flags;
            var keyLength = large ? first & 0x1FFF : first;
            if (flags != 0 || keyLength != 4)
            {
                continue; // versioned, deleted or prefix-compressed node, or an unexpected key: skip (lower bound stays sound)
            }

            var last = BinaryPrimitives.ReadUInt32BigEndian(node[2..]);
            max = max is { } m ? Math.Max(m, last) : last;
        }

        return max;
    }

    private static (int Size, int Offset, int Flags)? Tag(ReadOnlySpan<byte> page, int index)
    {
        var at = page.Length - (4 * (index + 1));
        var hdr = PageHeader.SizeFor(page.Length);
        if (at < hdr)
        {
            return null;
        }

        var cb = BinaryPrimitives.ReadUInt16LittleEndian(page[at..]);
        var ib = BinaryPrimitives.ReadUInt16LittleEndian(page[(at + 2)..]);
        var mask = page.Length > 8192 ? 0x7FFF : 0x1FFF;
        int size = cb & mask, offset = ib & mask;
        var flags = page.Length > 8192 ? 0 : ib >> 13;
        return hdr + offset + size <= at ? (size, offset, flags) : null;
    }
}
