namespace ExternalBackup.Formats.Tests;

internal static class TestData
{
    /// <summary>ese-formats.md §3.5 pattern: LCG x = 1103515245x + 12345 (mod 2^32), seed 1, byte = (x >> 16) &amp; 0xFF.</summary>
    public static byte[] Pattern(int n)
    {
        var b = new byte[n];
        uint x = 1;
        for (var i = 0; i < n; i++)
        {
            x = unchecked((1103515245 * x) + 12345);
            b[i] = (byte)((x >> 16) & 0xFF);
        }

        return b;
    }
}
