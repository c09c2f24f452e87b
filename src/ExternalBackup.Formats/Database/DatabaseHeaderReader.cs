using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;

namespace ExternalBackup.Formats.Database;

/// <summary>
/// Finds the page size and a valid copy of the database header as ESE does (<c>ErrUtilReadSpecificShadowedHeader</c>):
/// for each candidate size 2, 4, 8, 16, 32 KiB the primary (offset 0) and shadow (offset size) copies are valid when
/// the XOR-32 over the whole candidate page matches and the stored page size equals the candidate.
/// </summary>
public static class DatabaseHeaderReader
{
    /// <summary>The valid page sizes.</summary>
    public static readonly IReadOnlyList<int> PageSizes = [2048, 4096, 8192, 16384, 32768];

    /// <summary>Bytes to give <see cref="Read"/> to be sure to find any page size (both copies of 32 KiB).</summary>
    public const int BytesNeeded = 2 * 32768;

    /// <summary>True when <paramref name="pageSize"/> is a valid ESE page size.</summary>
    public static bool IsValidPageSize(int pageSize) => pageSize is 2048 or 4096 or 8192 or 16384 or 32768;

    /// <summary>
    /// Whether <paramref name="start"/> (the first bytes of a file) carries the database magic in the primary header
    /// (offset 4) or in the shadow header of any page size (offset page size + 4): a quick look, no checksum check.
    /// </summary>
    /// <param name="start">The start of the file (<see cref="BytesNeeded"/> bytes to see every shadow copy).</param>
    public static bool HasDatabaseMagic(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(start[4..]) == DatabaseHeader.DatabaseMagic)
        {
            return true;
        }

        foreach (var cb in PageSizes)
        {
            if (start.Length >= cb + 8 && BinaryPrimitives.ReadUInt32LittleEndian(start[(cb + 4)..]) == DatabaseHeader.DatabaseMagic)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Locates the header in the first bytes of a database file (give <see cref="BytesNeeded"/> bytes or the whole file if shorter).
    /// Never throws on bad input.
    /// </summary>
    /// <param name="start">The start of the file.</param>
    /// <param name="pageSize">A known page size, or 0 to search all sizes.</param>
    public static DatabaseHeaderRead Read(ReadOnlySpan<byte> start, int pageSize = 0)
    {
        int primary = 0, shadow = 0;
        string? primaryCause = null, shadowCause = null;
        foreach (var cb in PageSizes)
        {
            if (pageSize != 0 && cb != pageSize)
            {
                continue;
            }

            if (primary == 0)
            {
                if (IsValidCopy(start, 0, cb, out var cause))
                {
                    primary = cb;
                }
                else
                {
                    primaryCause ??= cause;
                }
            }

            if (shadow == 0)
            {
                if (IsValidCopy(start, cb, cb, out var cause))
                {
                    shadow = cb;
                }
                else
                {
                    shadowCause ??= cause;
                }
            }
        }

        if (primary != 0 && shadow != 0)
        {
            var same = primary == shadow && start[..primary].SequenceEqual(start.Slice(primary, primary));
            return new DatabaseHeaderRead(DatabaseHeader.Parse(start), primary, same ? HeaderCopyStatus.BothValid : HeaderCopyStatus.BothValidDifferent,
                same ? null : "primary header and shadow header are not identical");
        }

        if (primary != 0)
        {
            return new DatabaseHeaderRead(DatabaseHeader.Parse(start), primary, HeaderCopyStatus.ShadowBad, "shadow header: " + (shadowCause ?? "bad"));
        }

        if (shadow != 0)
        {
            return new DatabaseHeaderRead(DatabaseHeader.Parse(start.Slice(shadow, shadow)), shadow, HeaderCopyStatus.PrimaryBad, "primary header: " + (primaryCause ?? "bad"));
        }

        return new DatabaseHeaderRead(null, 0, HeaderCopyStatus.BothBad,
            start.Length < 2048 ? $"file too short for a database header ({start.Length} bytes)" : "no valid database header (primary: " + (primaryCause ?? "bad") + "; shadow: " + (shadowCause ?? "bad") + ")");
    }

    private static bool IsValidCopy(ReadOnlySpan<byte> start, int offset, int cb, out string cause)
    {
        if (start.Length < offset + cb)
        {
            cause = "file too short";
            return false;
        }

        var page = start.Slice(offset, cb);
        if (BinaryPrimitives.ReadUInt32LittleEndian(page) != XorChecksum.Compute(page))
        {
            cause = PageChecksum.IsAllZero(page) ? "zeroed" : "checksum error";
            return false;
        }

        var ps = BinaryPrimitives.ReadUInt32LittleEndian(page[236..]);
        if (!(ps == 0 || IsValidPageSize((int)ps)) || (ps == 0 ? 4096 : (int)ps) != cb)
        {
            cause = $"page size field {ps} does not match";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(page[4..]) != DatabaseHeader.DatabaseMagic)
        {
            cause = "bad magic";
            return false;
        }

        cause = string.Empty;
        return true;
    }
}
