using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>
/// Writes synthetic ESE databases, streaming, so multi-GiB inputs are cheap: a valid header and shadow header, then
/// <see cref="SyntheticDatabaseOptions.PageCount"/> pages with plausible page headers, pseudo-random bodies and valid
/// checksums (or all zero), and optionally a streaming-backup trailer page. What it writes passes
/// <c>ExternalBackup.Formats.Verification.DatabasePageVerifier</c>. Pages 1 to 4 are empty B-tree root leaves (database
/// root, its two space trees, and the catalog MSysObjects at page 4), so libesedb's <c>esedbinfo</c> opens the file and
/// sees an empty catalog (0 tables); the other pages hold pseudo-random bodies, not real B-trees.
/// </summary>
public static class SyntheticDatabaseWriter
{
    /// <summary>The header this writer puts in the file for <paramref name="options"/>.</summary>
    public static DatabaseHeader CreateHeader(SyntheticDatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var created = options.DatabaseSignature.Created;
        var dirty = options.State is DatabaseState.DirtyShutdown or DatabaseState.DirtyAndPatchedShutdown;
        var h = new DatabaseHeader
        {
            Magic = DatabaseHeader.DatabaseMagic,
            FormatVersion = DatabaseHeader.CurrentFormatVersion,
            FormatRevision = options.FormatRevision,
            FormatUpdateMinor = options.FormatUpdateMinor,
            CreateVersion = DatabaseHeader.CurrentFormatVersion,
            CreateRevision = options.FormatRevision,
            Attributes = 0,
            FileType = EseFileType.Database,
            DbTime = (ulong)(options.PageCount + 100),
            DatabaseSignature = options.DatabaseSignature,
            LogSignature = options.LogSignature,
            State = options.State,
            ConsistentPosition = dirty ? default : options.ConsistentPosition,
            ConsistentTime = dirty ? default : created,
            DetachPosition = dirty ? default : options.ConsistentPosition,
            DetachTime = dirty ? default : created,
            AttachPosition = new LogPosition(Math.Max(1, options.GenMinRequired), 1, 0),
            AttachTime = created,
            DatabaseId = 1,
            PageSize = options.PageSize,
            RepairCount = options.RepairCount,
            GenMinRequired = options.GenMinRequired,
            GenMaxRequired = options.GenMaxRequired,
            GenMaxCommitted = options.GenMaxCommitted != 0 ? options.GenMaxCommitted : options.GenMaxRequired,
            LastObjectId = 100,
            OsMajorVersion = 10,
            OsMinorVersion = 0,
            OsBuildNumber = 17763,
        };
        options.CustomizeHeader?.Invoke(h);
        return h;
    }

    /// <summary>Writes the database to a new file; returns the bytes written.</summary>
    public static async Task<long> WriteFileAsync(string path, SyntheticDatabaseOptions options, CancellationToken cancellationToken = default)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            return await WriteAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the database to <paramref name="destination"/>; returns the bytes written.</summary>
    public static async Task<long> WriteAsync(Stream destination, SyntheticDatabaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (!DatabaseHeaderReader.IsValidPageSize(options.PageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PageSize, "Page size must be 2, 4, 8, 16 or 32 KiB.");
        }

        if (!options.EccChecksums && options.PageSize > 8192)
        {
            throw new ArgumentException("Pages above 8 KiB always use ECC checksums.", nameof(options));
        }

        var cb = options.PageSize;
        var pagesPerChunk = Math.Max(1, (1 << 20) / cb);
        var chunk = new byte[pagesPerChunk * cb];
        var header = CreateHeader(options);
        header.WritePage(chunk.AsSpan(0, cb));
        chunk.AsSpan(0, cb).CopyTo(chunk.AsSpan(cb, cb));
        var fill = 2;
        long written = 0;
        var random = new SyntheticRandom(options.Seed);
        var pattern = new byte[cb];
        random.Fill(pattern);
        var zeroEvery = options.ZeroPageFraction <= 0 ? long.MaxValue : Math.Max(1, (long)Math.Round(1 / Math.Min(1, options.ZeroPageFraction)));
        for (long pgno = 1; pgno <= options.PageCount; pgno++)
        {
            if (fill == pagesPerChunk)
            {
                await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                written += chunk.Length;
                fill = 0;
            }

            var page = chunk.AsSpan(fill * cb, cb);
            if (pgno <= 4)
            {
                WriteEmptyRootPage(page, (uint)pgno, header.DbTime - (ulong)options.PageCount, options.EccChecksums);
                fill++;
                continue;
            }

            var zero = pgno > 4 && zeroEvery != long.MaxValue && (zeroEvery == 1 || pgno % zeroEvery == 0);
            if (zero)
            {
                page.Clear();
            }
            else
            {
                WriteDataPage(page, (uint)pgno, header.DbTime - (ulong)(options.PageCount - pgno) - 1, options, ref random, pattern);
            }

            fill++;
        }

        if (options.Trailer is { } trailer)
        {
            if (fill == pagesPerChunk)
            {
                await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                written += chunk.Length;
                fill = 0;
            }

            trailer.WritePage(chunk.AsSpan(fill * cb, cb));
            fill++;
        }

        await destination.WriteAsync(chunk.AsMemory(0, fill * cb), cancellationToken).ConfigureAwait(false);
        written += fill * cb;
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Fills <paramref name="page"/> as a plausible data page with number <paramref name="pageNumber"/> and writes its checksum.</summary>
    public static void WriteDataPage(Span<byte> page, uint pageNumber, ulong dbTime, bool eccChecksums, ulong seed)
    {
        var random = new SyntheticRandom(seed ^ pageNumber);
        WriteDataPage(page, pageNumber, dbTime, new SyntheticDatabaseOptions { EccChecksums = eccChecksums, PageSize = page.Length }, ref random, null);
    }

    /// <summary>
    /// Writes an empty B-tree root leaf page: one tag (the 16-byte external header), no records. Page 1 is the database
    /// root (object 1), pages 2 and 3 its space trees, page 4 the catalog root (object 2).
    /// </summary>
    public static void WriteEmptyRootPage(Span<byte> page, uint pageNumber, ulong dbTime, bool eccChecksums)
    {
        page.Clear();
        var hdr = PageHeader.SizeFor(page.Length);
        const int ExternalHeader = 16;
        BinaryPrimitives.WriteUInt64LittleEndian(page[8..], dbTime);
        BinaryPrimitives.WriteUInt32LittleEndian(page[24..], pageNumber == 4 ? 2u : 1u);
        BinaryPrimitives.WriteUInt16LittleEndian(page[28..], (ushort)(page.Length - hdr - ExternalHeader - 4));
        BinaryPrimitives.WriteUInt16LittleEndian(page[32..], ExternalHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(page[34..], 1);
        var flags = PageFlags.Root | PageFlags.Leaf | PageFlags.NewRecordFormat | (pageNumber is 2 or 3 ? PageFlags.SpaceTree : PageFlags.None);
        BinaryPrimitives.WriteUInt32LittleEndian(page[36..], (uint)flags);

        // External header (space header): initial pages, parent FDP, and the space-tree roots.
        var ext = page.Slice(hdr, ExternalHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(ext, pageNumber == 4 ? 20u : 256u);
        BinaryPrimitives.WriteUInt32LittleEndian(ext[4..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(ext[8..], pageNumber == 4 ? 1u : 2u);
        BinaryPrimitives.WriteUInt32LittleEndian(ext[12..], pageNumber == 4 ? 5u : 3u);

        // Tag 0 at the end of the page: size then offset (relative to the end of the page header).
        BinaryPrimitives.WriteUInt16LittleEndian(page[^4..], ExternalHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(page[^2..], 0);
        PageChecksum.WritePage(page, pageNumber, eccChecksums);
    }

    private static void WriteDataPage(Span<byte> page, uint pgno, ulong dbTime, SyntheticDatabaseOptions options, ref SyntheticRandom random, byte[]? pattern)
    {
        var hdr = PageHeader.SizeFor(page.Length);
        if (options.RandomContent || pattern is null)
        {
            random.Fill(page[hdr..]);
        }
        else
        {
            pattern.AsSpan(hdr).CopyTo(page[hdr..]);
            BinaryPrimitives.WriteUInt32LittleEndian(page[hdr..], pgno);
        }

        page[..hdr].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(page[8..], dbTime);
        BinaryPrimitives.WriteUInt32LittleEndian(page[16..], pgno > 5 ? pgno - 1 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(page[20..], pgno + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(page[24..], pgno <= 3 ? 1u : pgno == 4 ? 2u : 5u + (pgno % 7));
        BinaryPrimitives.WriteUInt16LittleEndian(page[28..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(page[32..], (ushort)(page.Length - hdr - 64));
        BinaryPrimitives.WriteUInt16LittleEndian(page[34..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(page[36..], (uint)(PageFlags.Leaf | (pgno is 1 or 4 ? PageFlags.Root : PageFlags.None)));
        PageChecksum.WritePage(page, pgno, options.EccChecksums);
    }
}
