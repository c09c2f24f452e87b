using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>An attached database of the modelled instance: a real ESE database file.</summary>
internal sealed class ModelDatabase
{
    private ModelDatabase(string fullPath, string relativePath, int pageSize)
    {
        FullPath = fullPath;
        RelativePath = relativePath;
        PageSize = pageSize;
    }

    public string FullPath { get; }

    public string RelativePath { get; }

    public int PageSize { get; }

    /// <summary>How the instance has it attached.</summary>
    public DatabaseAttachment Attachment { get; set; }

    /// <summary>The last page the backup copies: the file's pages minus the two header pages (the engine's logical size).</summary>
    public uint LastPgno => (uint)Math.Max(0, (new FileInfo(FullPath).Length / PageSize) - 2);

    /// <summary>The size JetOpenFile reports: 2 header pages, the data pages and 1 trailer page.</summary>
    public long StreamSize => ((long)LastPgno + 3) * PageSize;

    /// <summary>File name extensions of databases: a file so named is attached even when its header cannot be read (the engine has it open; a backup must not skip it).</summary>
    public static readonly IReadOnlyList<string> DatabaseExtensions = [".edb", ".dit", ".mdb"];

    /// <summary>The page size assumed for an attached database whose header cannot be read (its open fails anyway).</summary>
    public const int DamagedHeaderPageSize = 8192;

    /// <summary>
    /// Whether the instance has <paramref name="path"/> attached: a file with a database header, or a file named like a
    /// database (<see cref="DatabaseExtensions"/>) whose header is not another ESE file's (zeroed, overwritten, unreadable).
    /// </summary>
    public static bool IsAttached(string path) =>
        IsDatabaseFile(path)
        || (DatabaseExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase) && !HasOtherEseHeader(path));

    private static bool HasOtherEseHeader(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> head = stackalloc byte[DatabaseHeader.Size];
            return RandomAccess.Read(handle, head, 0) == head.Length && DatabaseHeader.Parse(head) is { } h && h.Magic == DatabaseHeader.DatabaseMagic && !h.LooksLikeDatabase;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool IsDatabaseFile(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.GetLength(handle) < 8192)
            {
                return false;
            }

            Span<byte> head = stackalloc byte[DatabaseHeader.Size];
            return RandomAccess.Read(handle, head, 0) == head.Length && DatabaseHeader.Parse(head).LooksLikeDatabase;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>An attached database as discovery finds it: <see cref="Load"/>, or, when its header cannot be read, attached all the same (its open fails naming it).</summary>
    public static ModelDatabase Discover(string fullPath, string instanceFolder) =>
        IsDatabaseFile(fullPath) ? Load(fullPath, instanceFolder) : new ModelDatabase(fullPath, Path.GetRelativePath(instanceFolder, fullPath), ShadowPageSize(fullPath) ?? DamagedHeaderPageSize);

    /// <summary>The page size the shadow header states when the primary is damaged (the engine then serves the shadow), or <see langword="null"/>.</summary>
    private static int? ShadowPageSize(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = new byte[(int)Math.Min(RandomAccess.GetLength(handle), DatabaseHeaderReader.BytesNeeded)];
            var read = DatabaseHeaderReader.Read(start.AsSpan(0, RandomAccess.Read(handle, start, 0)));
            return read.Found ? read.PageSize : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static ModelDatabase Load(string fullPath, string instanceFolder)
    {
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{fullPath}: the attached database does not exist.", fullPath);
        }

        Span<byte> head = stackalloc byte[DatabaseHeader.Size];
        DatabaseHeader header;
        using (var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (RandomAccess.Read(handle, head, 0) != head.Length || !(header = DatabaseHeader.Parse(head)).LooksLikeDatabase)
            {
                throw new InvalidDataException($"{fullPath}: not an ESE database (no magic 0x89abcdef at offset 4, or file type at offset 667 is not a database).");
            }
        }

        var pageSize = header.PageSize;
        if (!DatabaseHeaderReader.IsValidPageSize(pageSize))
        {
            throw new InvalidDataException($"{fullPath}: page size {pageSize} at header offset 236 is not an ESE page size.");
        }

        return new ModelDatabase(fullPath, Path.GetRelativePath(instanceFolder, fullPath), pageSize);
    }

    /// <summary>Reads the database header page: the primary copy, or the shadow when the primary's checksum is bad.</summary>
    public byte[] ReadHeader()
    {
        var page = new byte[PageSize];
        using var handle = File.OpenHandle(FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.Read(handle, page, 0);
        if (XorChecksum.Verify(page))
        {
            return page;
        }

        var shadow = new byte[PageSize];
        RandomAccess.Read(handle, shadow, PageSize);
        if (XorChecksum.Verify(shadow))
        {
            return shadow;
        }

        throw new InvalidDataException($"{FullPath}: both database header copies (offsets 0 and {PageSize}) fail their XOR-32 checksum.");
    }

    /// <summary>
    /// Seals <paramref name="header"/> and writes it as primary and shadow header, as the engine does: the primary
    /// is on the disk before the shadow is written, so a crash leaves at least one whole copy (the new primary, or
    /// the old shadow when the primary is torn), which <see cref="ReadHeader"/> serves.
    /// </summary>
    public void WriteHeader(byte[] header)
    {
        PageChecksum.WriteHeader(header);
        using var handle = File.OpenHandle(FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.Write(handle, header, 0);
        RandomAccess.FlushToDisk(handle);
        RandomAccess.Write(handle, header, PageSize);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>Reads the header fields of the header page <see cref="ReadHeader"/> returns.</summary>
    public DatabaseHeader ReadHeaderFields() => DatabaseHeader.Parse(ReadHeader());

    /// <summary>
    /// Puts the fields of <paramref name="header"/> back into its header page (the bytes past the header structure
    /// are kept as they are) and seals the page with its XOR-32 checksum.
    /// </summary>
    public static void Seal(byte[] page, DatabaseHeader header)
    {
        header.ToArray().CopyTo(page, 0);
        PageChecksum.WriteHeader(page);
    }
}
