using System.Runtime.InteropServices;
using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// Reads the UTF-16 multi-strings (<c>szz</c>: strings each ended by NUL, the list ended by one more NUL) of
/// JetGetAttachInfoInstanceW, JetGetLogInfoInstance(2)W and JetGetTruncateLogInfoInstanceW.
/// </summary>
internal static class MultiString
{
    /// <summary>One native call: fills <c>buffer</c> (may be null) of <c>cbMax</c> bytes and sets <c>pcbActual</c>.</summary>
    public unsafe delegate int NativeQuery(char* buffer, uint cbMax, uint* pcbActual);

    private const int MaxAttempts = 8;

    /// <summary>
    /// Asks for the size with a NULL buffer, then reads. Handles both <c>pcbActual</c> rules of reference §5.4/§5.8:
    /// GetAttachInfo reports the required size even when it copied less (so a larger value means "grow to that"),
    /// the log calls report what they copied (so a full buffer without the final double NUL means "grow").
    /// </summary>
    public static unsafe IReadOnlyList<string> Query(string call, NativeQuery query)
    {
        uint required = 0;
        EseCall.Check(query(null, 0, &required), call, "size query (NULL buffer)");
        var size = Math.Max(RoundToChars(required), 4u);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var buffer = new byte[size];
            uint actual = 0;
            int err;
            fixed (byte* p = buffer)
            {
                err = query((char*)p, size, &actual);
            }

            EseCall.Check(err, call, $"reading {size} bytes");
            if (actual > size)
            {
                size = RoundToChars(actual);
                continue;
            }

            var data = buffer.AsSpan(0, (int)actual);
            if (IsComplete(data))
            {
                return Decode(data);
            }

            if (actual < size)
            {
                throw new InvalidDataException($"{call} returned {actual} bytes that do not end with the list terminator (two NUL characters).");
            }

            size = checked(size * 2);
        }

        throw new EseException(call, JetError.BufferTooSmall, $"the list was still growing after {MaxAttempts} reads");
    }

    /// <summary>Whether <paramref name="data"/> is a whole multi-string: empty (one NUL) or ending with two NULs.</summary>
    public static bool IsComplete(ReadOnlySpan<byte> data)
    {
        var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
        return chars.Length switch
        {
            0 => false,
            1 => chars[0] == '\0',
            _ => chars[^1] == '\0' && chars[^2] == '\0',
        };
    }

    /// <summary>The strings of a multi-string, up to the empty string that ends it.</summary>
    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> data)
    {
        var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
        var list = new List<string>();
        while (chars.Length > 0)
        {
            var end = chars.IndexOf('\0');
            if (end <= 0)
            {
                break;
            }

            list.Add(new string(chars[..end]));
            chars = chars[(end + 1)..];
        }

        return list;
    }

    private static uint RoundToChars(uint bytes) => (bytes + 1u) & ~1u;
}
