using System.Runtime.InteropServices;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// Makes large test instances for the engine model: grows a real ESE database (e.g. a copy of a corpus database)
/// with generated pages whose checksums are valid, so the model serves multi-GiB databases whose every page
/// passes the engine's checks. Memory use does not depend on the size.
/// </summary>
public static class SyntheticDatabase
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Appends generated pages to <paramref name="databasePath"/> until it holds <paramref name="targetBytes"/>
    /// (rounded down to whole pages). Pages up to 8 KiB get the legacy XOR-32 + page number checksum, larger
    /// pages the ECC block checksums with the page number at offset 64 (ese-formats.md §3). The page bodies are
    /// pseudo-random bytes from <paramref name="seed"/>; the page header fields other than checksum and flags
    /// are zero. Returns the new length; a file already that large is left alone.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an ESE database.</exception>
    public static long Grow(string databasePath, long targetBytes, ulong seed = 1)
    {
        var db = ModelDatabase.Load(Path.GetFullPath(databasePath), Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var cbPage = db.PageSize;
        using var handle = File.OpenHandle(db.FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = RandomAccess.GetLength(handle) / cbPage * cbPage;
        var target = targetBytes / cbPage * cbPage;
        var chunk = new byte[Math.Max(ChunkBytes / cbPage, 1) * cbPage];
        var state = seed | 1;
        while (length < target)
        {
            var pages = (int)Math.Min(chunk.Length / cbPage, (target - length) / cbPage);
            for (var i = 0; i < pages; i++)
            {
                var pgno = (uint)((length / cbPage) + i - 1);
                MakePage(chunk.AsSpan(i * cbPage, cbPage), pgno, ref state);
            }

            RandomAccess.Write(handle, chunk.AsSpan(0, pages * cbPage), length);
            length += (long)pages * cbPage;
        }

        return Math.Max(length, RandomAccess.GetLength(handle));
    }

    private static void MakePage(Span<byte> page, uint pgno, ref ulong state)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(page);
        for (var i = 0; i < words.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            words[i] = state;
        }

        // The header fields other than checksum, page number and flags stay zero; pages up to 8 KiB get the legacy
        // XOR-32 + page number checksum, larger pages (which have no legacy format) the ECC block checksums.
        page[..PageHeader.SizeFor(page.Length)].Clear();
        PageChecksum.WritePage(page, pgno, eccFormat: page.Length > 8192);
    }
}
