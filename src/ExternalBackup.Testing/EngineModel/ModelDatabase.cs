using System.Buffers.Binary;

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

    /// <summary>The last page the backup copies: the file's pages minus the two header pages (the engine's logical size).</summary>
    public uint LastPgno => (uint)Math.Max(0, (new FileInfo(FullPath).Length / PageSize) - 2);

    /// <summary>The size JetOpenFile reports: 2 header pages, the data pages and 1 trailer page.</summary>
    public long StreamSize => ((long)LastPgno + 3) * PageSize;

    public static bool IsDatabaseFile(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.GetLength(handle) < 8192)
            {
                return false;
            }

            Span<byte> head = stackalloc byte[FormatStandIns.FileTypeOffset + 4];
            return RandomAccess.Read(handle, head, 0) == head.Length && FormatStandIns.LooksLikeDatabaseHeader(head);
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

    public static ModelDatabase Load(string fullPath, string instanceFolder)
    {
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{fullPath}: the attached database does not exist.", fullPath);
        }

        Span<byte> head = stackalloc byte[FormatStandIns.FileTypeOffset + 4];
        using (var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (RandomAccess.Read(handle, head, 0) != head.Length || !FormatStandIns.LooksLikeDatabaseHeader(head))
            {
                throw new InvalidDataException($"{fullPath}: not an ESE database (no magic 0x89abcdef at offset 4, or file type at offset 667 is not a database).");
            }
        }

        var pageSize = FormatStandIns.PageSizeOf(head);
        if (pageSize is not (2048 or 4096 or 8192 or 16384 or 32768))
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
        if (FormatStandIns.HeaderChecksumOk(page))
        {
            return page;
        }

        var shadow = new byte[PageSize];
        RandomAccess.Read(handle, shadow, PageSize);
        if (FormatStandIns.HeaderChecksumOk(shadow))
        {
            return shadow;
        }

        throw new InvalidDataException($"{FullPath}: both database header copies (offsets 0 and {PageSize}) fail their XOR-32 checksum.");
    }

    /// <summary>Seals <paramref name="header"/> and writes it as primary and shadow header, as the engine does.</summary>
    public void WriteHeader(byte[] header)
    {
        FormatStandIns.SealHeader(header);
        using var handle = File.OpenHandle(FullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.Write(handle, header, 0);
        RandomAccess.Write(handle, header, PageSize);
        RandomAccess.FlushToDisk(handle);
    }

    public static uint ReadUInt32(byte[] header, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(offset));
}
