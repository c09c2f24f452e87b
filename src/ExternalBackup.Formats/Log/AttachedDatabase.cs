using System.Buffers.Binary;
using System.Text;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Log;

/// <summary>One ATTACHINFO entry of a log or checkpoint header: a database attached to the instance.</summary>
/// <param name="DatabaseId">The dbid (non-zero).</param>
/// <param name="Flags">0x20 = Unicode names, 0x40 = sparse file.</param>
/// <param name="DbTime">DBTIME at attach.</param>
/// <param name="LastObjectId">Last object id.</param>
/// <param name="MaxPages">Maximum database size in pages.</param>
/// <param name="AttachPosition">Log position of the attach.</param>
/// <param name="ConsistentPosition">Log position of the last consistent state.</param>
/// <param name="DatabaseSignature">Database signature.</param>
/// <param name="Path">The database path.</param>
public sealed record AttachedDatabase(byte DatabaseId, byte Flags, ulong DbTime, uint LastObjectId, int MaxPages,
    LogPosition AttachPosition, LogPosition ConsistentPosition, Signature DatabaseSignature, string Path)
{
    private const int FixedSize = 64;

    /// <summary>Reads the list (stops at dbid 0, at the end of the area or at an entry that does not fit).</summary>
    public static IReadOnlyList<AttachedDatabase> ReadList(ReadOnlySpan<byte> area)
    {
        var list = new List<AttachedDatabase>();
        var at = 0;
        while (at + FixedSize <= area.Length && area[at] != 0)
        {
            var e = area[at..];
            var cbNames = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
            if (at + FixedSize + cbNames > area.Length)
            {
                break;
            }

            var names = e.Slice(FixedSize, cbNames);
            var unicode = (e[1] & 0x20) != 0;
            var text = unicode ? Encoding.Unicode.GetString(names[..(names.Length & ~1)]) : Encoding.Latin1.GetString(names);
            list.Add(new AttachedDatabase(e[0], e[1], BinaryPrimitives.ReadUInt64LittleEndian(e[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[12..]), BinaryPrimitives.ReadInt32LittleEndian(e[16..]),
                LogPosition.Read(e[20..]), LogPosition.Read(e[28..]), Signature.Read(e[36..]), text.TrimEnd('\0').Split('\0')[0]));
            at += FixedSize + cbNames;
        }

        return list;
    }
}
