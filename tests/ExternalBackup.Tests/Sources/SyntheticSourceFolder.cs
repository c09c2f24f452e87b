using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Tests.Sources;

/// <summary>A synthetic ESE instance (databases, logs 1..4, checkpoint) that every source reads the same way, and the damage the tests do to it.</summary>
internal static class SyntheticSourceFolder
{
    public const int PageSize = 4096;

    /// <summary>Writes the instance with the named databases (of 64 ECC pages each) into <paramref name="folder"/>.</summary>
    public static async Task<string> WriteAsync(string folder, params string[] databases)
    {
        await SyntheticInstanceWriter.WriteAsync(folder, new SyntheticInstanceOptions
        {
            Databases = databases.Select(d => (d, new SyntheticDatabaseOptions { PageSize = PageSize, PageCount = 64, ZeroPageFraction = 0 })).ToList(),
        });
        return folder;
    }

    /// <summary>Zeroes both header pages (primary and shadow) of a database; its data pages stay ESE pages.</summary>
    public static void ZeroHeaderPages(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(file, new byte[2 * PageSize], 0);
    }

    /// <summary>Replaces <paramref name="path"/> by a link to nothing: listed by the folder, unreadable when opened.</summary>
    public static void MakeUnreadable(string path)
    {
        File.Delete(path);
        File.CreateSymbolicLink(path, path + ".gone");
    }

    /// <summary>Every file below <paramref name="folder"/> with its length and last write (what "unchanged" compares).</summary>
    public static IReadOnlyList<string> Listing(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
                .Select(p => new FileInfo(p))
                .Select(f => $"{Path.GetRelativePath(folder, f.FullName)} {(f.Exists ? f.Length : -1)} {f.LastWriteTimeUtc.Ticks}")
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
}
