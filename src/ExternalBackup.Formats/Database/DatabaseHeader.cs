using System.Buffers.Binary;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Database;

/// <summary>
/// The database file header (<c>DBFILEHDR</c>, 748 bytes at the start of the header page and of its shadow copy),
/// with every field as a read/write property over the raw bytes so that unknown bits survive a round trip.
/// Parse with <see cref="Parse"/> (any span of at least 748 bytes), change fields, and serialise a whole header page
/// with <see cref="WritePage(Span{byte})"/> (which zeroes the rest of the page and writes the XOR-32 checksum over the page).
/// </summary>
public sealed class DatabaseHeader
{
    /// <summary>The size of the header structure in bytes.</summary>
    public const int Size = 748;

    /// <summary>The database magic at offset 4.</summary>
    public const uint DatabaseMagic = 0x89ABCDEF;

    /// <summary>The format major version of every modern database.</summary>
    public const uint CurrentFormatVersion = 0x620;

    private readonly byte[] _raw;

    /// <summary>Creates an empty header (all zero) to fill in.</summary>
    public DatabaseHeader()
    {
        _raw = new byte[Size];
    }

    private DatabaseHeader(byte[] raw)
    {
        _raw = raw;
    }

    /// <summary>A copy of the 748 raw bytes.</summary>
    public byte[] ToArray() => (byte[])_raw.Clone();

    /// <summary>A deep copy.</summary>
    public DatabaseHeader Clone() => new((byte[])_raw.Clone());

    /// <summary>Reads the header fields from the first 748 bytes of <paramref name="source"/> (no checks; see <see cref="DatabaseHeaderReader"/>).</summary>
    /// <exception cref="FormatException">Fewer than 748 bytes.</exception>
    public static DatabaseHeader Parse(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new FormatException($"A database header needs {Size} bytes; only {source.Length} given.");
        }

        return new DatabaseHeader(source[..Size].ToArray());
    }

    /// <summary>True when the magic at offset 4 is 0x89ABCDEF.</summary>
    public bool HasDatabaseMagic => Magic == DatabaseMagic;

    /// <summary>
    /// True when the header describes a database file at first sight, before any checksum check: the database magic,
    /// <see cref="Attributes"/> 0 (not a streaming file) and <see cref="FileType"/> <see cref="EseFileType.Database"/>
    /// or <see cref="EseFileType.Unknown"/> (files older than about 2001 record no file type).
    /// </summary>
    public bool LooksLikeDatabase => HasDatabaseMagic && Attributes == 0 && (FileType is EseFileType.Database or EseFileType.Unknown);

    /// <summary>The page size in bytes (the raw field with 0 meaning 4096).</summary>
    public int PageSize
    {
        get => PageSizeField == 0 ? 4096 : (int)PageSizeField;
        set => PageSizeField = (uint)value;
    }

    /// <summary>True when byte 208 bit 0x01 (shadowing disabled) is clear: eseutil prints <c>Shadowed: Yes</c>.</summary>
    public bool IsShadowed => (DatabaseFlags & 0x01) == 0;

    /// <summary>True when the header marks a streaming-backup copy whose trailer page carries the real high generation (genLow set, genHigh 0).</summary>
    public bool NeedsTrailerPatch => CurrentFullBackup.GenLow != 0 && CurrentFullBackup.GenHigh == 0;

    /// <summary>
    /// Writes this header as a whole header page: the 748 bytes, zeros to the end of <paramref name="page"/>, and the
    /// XOR-32 checksum over the whole page at offset 0 (the <see cref="Checksum"/> property is updated).
    /// Write the same page at offset 0 and at offset pageSize (shadow).
    /// </summary>
    public void WritePage(Span<byte> page)
    {
        if (page.Length < Size)
        {
            throw new ArgumentException($"A header page needs at least {Size} bytes.", nameof(page));
        }

        _raw.CopyTo(page);
        page[Size..].Clear();
        PageChecksum.WriteHeader(page);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(page);
    }

    /// <summary>A new header page of <see cref="PageSize"/> bytes (see <see cref="WritePage(Span{byte})"/>).</summary>
    /// <exception cref="InvalidOperationException">The page size field is not a valid page size.</exception>
    public byte[] ToPage()
    {
        if (!DatabaseHeaderReader.IsValidPageSize(PageSize))
        {
            throw new InvalidOperationException($"The header's page size {PageSize} is not 2, 4, 8, 16 or 32 KiB.");
        }

        var page = new byte[PageSize];
        WritePage(page);
        return page;
    }

    /// <summary>Stored XOR-32 header checksum (offset 0; eseutil <c>Checksum:</c>).</summary>
    public uint Checksum
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(0));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(0), value);
    }

    /// <summary>Format magic, 0x89ABCDEF (offset 4; <c>Format ulMagic:</c>).</summary>
    public uint Magic
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(4));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(4), value);
    }

    /// <summary>Format major version, 0x620 for modern databases (offset 8; <c>Format ulVersion:</c>).</summary>
    public uint FormatVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(8));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(8), value);
    }

    /// <summary><c>le_attrib</c>: 0 = database, 1 = SLV/streaming (offset 12; libesedb "file type").</summary>
    public uint Attributes
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(12));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(12), value);
    }

    /// <summary>DBTIME of the last dirtying (offset 16; <c>dbtime:</c>).</summary>
    public ulong DbTime
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_raw.AsSpan(16));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_raw.AsSpan(16), value);
    }

    /// <summary>Database signature (offset 24; <c>DB Signature:</c>).</summary>
    public Signature DatabaseSignature
    {
        get => Signature.Read(_raw.AsSpan(24));
        set => value.Write(_raw.AsSpan(24));
    }

    /// <summary>Database state (offset 52; <c>State:</c>).</summary>
    public DatabaseState State
    {
        get => (DatabaseState)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(52));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(52), (uint)value);
    }

    /// <summary>Log position of the last consistent state (offset 56; <c>Last Consistent:</c>).</summary>
    public LogPosition ConsistentPosition
    {
        get => LogPosition.Read(_raw.AsSpan(56));
        set => value.Write(_raw.AsSpan(56));
    }

    /// <summary>Time of the last consistent state (offset 64).</summary>
    public LogTime ConsistentTime
    {
        get => LogTime.Read(_raw.AsSpan(64));
        set => value.Write(_raw.AsSpan(64));
    }

    /// <summary>Time of the last attach (offset 72; <c>Last Attach:</c>).</summary>
    public LogTime AttachTime
    {
        get => LogTime.Read(_raw.AsSpan(72));
        set => value.Write(_raw.AsSpan(72));
    }

    /// <summary>Log position of the last attach (offset 80).</summary>
    public LogPosition AttachPosition
    {
        get => LogPosition.Read(_raw.AsSpan(80));
        set => value.Write(_raw.AsSpan(80));
    }

    /// <summary>Time of the last detach (offset 88; <c>Last Detach:</c>).</summary>
    public LogTime DetachTime
    {
        get => LogTime.Read(_raw.AsSpan(88));
        set => value.Write(_raw.AsSpan(88));
    }

    /// <summary>Log position of the last detach (offset 96).</summary>
    public LogPosition DetachPosition
    {
        get => LogPosition.Read(_raw.AsSpan(96));
        set => value.Write(_raw.AsSpan(96));
    }

    /// <summary>Database id (offset 104; <c>Dbid:</c>).</summary>
    public uint DatabaseId
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(104));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(104), value);
    }

    /// <summary>Signature of the log stream (offset 108; <c>Log Signature:</c>).</summary>
    public Signature LogSignature
    {
        get => Signature.Read(_raw.AsSpan(108));
        set => value.Write(_raw.AsSpan(108));
    }

    /// <summary>Previous full backup (offset 136; <c>Previous Full Backup:</c>).</summary>
    public BackupInfo PreviousFullBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(136));
        set => value.Write(_raw.AsSpan(136));
    }

    /// <summary>Previous incremental backup (offset 160; <c>Previous Incremental Backup:</c>).</summary>
    public BackupInfo PreviousIncrementalBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(160));
        set => value.Write(_raw.AsSpan(160));
    }

    /// <summary>Current full backup (offset 184; <c>Current Full Backup:</c>); genLow set and genHigh 0 in a streaming backup copy.</summary>
    public BackupInfo CurrentFullBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(184));
        set => value.Write(_raw.AsSpan(184));
    }

    /// <summary><c>m_ulDbFlags</c> (offset 208): byte 0 bit 0x01 = shadowing disabled, 0x02 = upgrade; byte 3 = build flags.</summary>
    public uint DatabaseFlags
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(208));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(208), value);
    }

    /// <summary>Last object id (offset 212; <c>Last Objid:</c>).</summary>
    public uint LastObjectId
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(212));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(212), value);
    }

    /// <summary>OS major version of the index sort (offset 216; <c>OS Version:</c>).</summary>
    public uint OsMajorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(216));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(216), value);
    }

    /// <summary>OS minor version (offset 220).</summary>
    public uint OsMinorVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(220));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(220), value);
    }

    /// <summary>OS build number (offset 224).</summary>
    public uint OsBuildNumber
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(224));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(224), value);
    }

    /// <summary>OS service pack (offset 228).</summary>
    public uint OsServicePack
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(228));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(228), value);
    }

    /// <summary>Format update major, libesedb "format revision" (offset 232; second number of <c>Format ulVersion:</c>).</summary>
    public uint FormatRevision
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(232));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(232), value);
    }

    /// <summary>Raw page size field (offset 236; 0 means 4096). See <see cref="PageSize"/>.</summary>
    public uint PageSizeField
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(236));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(236), value);
    }

    /// <summary>Repair count (offset 240; <c>Repair Count:</c>).</summary>
    public uint RepairCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(240));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(240), value);
    }

    /// <summary>Repair time (offset 244; <c>Repair Date:</c>).</summary>
    public LogTime RepairTime
    {
        get => LogTime.Read(_raw.AsSpan(244));
        set => value.Write(_raw.AsSpan(244));
    }

    /// <summary>Scrub DBTIME (offset 280; <c>Scrub Dbtime:</c>).</summary>
    public ulong ScrubDbTime
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_raw.AsSpan(280));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_raw.AsSpan(280), value);
    }

    /// <summary>Scrub time (offset 288; <c>Scrub Date:</c>).</summary>
    public LogTime ScrubTime
    {
        get => LogTime.Read(_raw.AsSpan(288));
        set => value.Write(_raw.AsSpan(288));
    }

    /// <summary>Lowest log generation needed to recover (offset 296; <c>Log Required:</c> min).</summary>
    public int GenMinRequired
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(296));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(296), value);
    }

    /// <summary>Highest log generation needed to recover (offset 300; <c>Log Required:</c> max).</summary>
    public int GenMaxRequired
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(300));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(300), value);
    }

    /// <summary><c>cpgUpgrade55Format</c> (offset 304).</summary>
    public uint CpgUpgrade55Format
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(304));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(304), value);
    }

    /// <summary><c>cpgUpgradeFreePages</c> (offset 308).</summary>
    public uint CpgUpgradeFreePages
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(308));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(308), value);
    }

    /// <summary><c>cpgUpgradeSpaceMapPages</c> (offset 312).</summary>
    public uint CpgUpgradeSpaceMapPages
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(312));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(312), value);
    }

    /// <summary>Current shadow copy (snapshot) backup (offset 316; <c>Current Shadow copy backup:</c>).</summary>
    public BackupInfo CurrentSnapshotBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(316));
        set => value.Write(_raw.AsSpan(316));
    }

    /// <summary>Format version that created the database (offset 340; <c>Created ulVersion:</c>).</summary>
    public uint CreateVersion
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(340));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(340), value);
    }

    /// <summary>Format update that created the database (offset 344).</summary>
    public uint CreateRevision
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(344));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(344), value);
    }

    /// <summary>Creation time of the highest committed generation (offset 348; <c>Gen. Max. Com. Creation Time:</c>).</summary>
    public LogTime GenMaxCreateTime
    {
        get => LogTime.Read(_raw.AsSpan(348));
        set => value.Write(_raw.AsSpan(348));
    }

    /// <summary>Kind of the previous full backup (offset 356).</summary>
    public BackupInfoType PreviousFullBackupType
    {
        get => (BackupInfoType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(356));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(356), (uint)value);
    }

    /// <summary>Kind of the previous incremental backup (offset 360).</summary>
    public BackupInfoType PreviousIncrementalBackupType
    {
        get => (BackupInfoType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(360));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(360), (uint)value);
    }

    /// <summary>Old repair count (offset 364).</summary>
    public uint OldRepairCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(364));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(364), value);
    }

    /// <summary>ECC fix success count (offset 368).</summary>
    public uint EccFixSuccessCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(368));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(368), value);
    }

    /// <summary>Time of the last ECC fix (offset 372).</summary>
    public LogTime EccFixSuccessTime
    {
        get => LogTime.Read(_raw.AsSpan(372));
        set => value.Write(_raw.AsSpan(372));
    }

    /// <summary>Old ECC fix success count (offset 380).</summary>
    public uint OldEccFixSuccessCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(380));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(380), value);
    }

    /// <summary>ECC fix error count (offset 384).</summary>
    public uint EccFixFailCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(384));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(384), value);
    }

    /// <summary>Time of the last failed ECC fix (offset 388).</summary>
    public LogTime EccFixFailTime
    {
        get => LogTime.Read(_raw.AsSpan(388));
        set => value.Write(_raw.AsSpan(388));
    }

    /// <summary>Old ECC fix error count (offset 396).</summary>
    public uint OldEccFixFailCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(396));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(396), value);
    }

    /// <summary>Bad checksum error count (offset 400).</summary>
    public uint BadChecksumCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(400));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(400), value);
    }

    /// <summary>Time of the last bad checksum (offset 404).</summary>
    public LogTime BadChecksumTime
    {
        get => LogTime.Read(_raw.AsSpan(404));
        set => value.Write(_raw.AsSpan(404));
    }

    /// <summary>Old bad checksum count (offset 412).</summary>
    public uint OldBadChecksumCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(412));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(412), value);
    }

    /// <summary>Highest committed log generation (offset 416; <c>Log Committed:</c>).</summary>
    public int GenMaxCommitted
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(416));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(416), value);
    }

    /// <summary>Previous copy backup (offset 420; <c>Previous Copy Backup:</c>).</summary>
    public BackupInfo PreviousCopyBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(420));
        set => value.Write(_raw.AsSpan(420));
    }

    /// <summary>Previous differential backup (offset 444; <c>Previous Differential Backup:</c>).</summary>
    public BackupInfo PreviousDifferentialBackup
    {
        get => BackupInfo.Read(_raw.AsSpan(444));
        set => value.Write(_raw.AsSpan(444));
    }

    /// <summary>Kind of the previous copy backup (offset 468).</summary>
    public BackupInfoType PreviousCopyBackupType
    {
        get => (BackupInfoType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(468));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(468), (uint)value);
    }

    /// <summary>Kind of the previous differential backup (offset 472).</summary>
    public BackupInfoType PreviousDifferentialBackupType
    {
        get => (BackupInfoType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(472));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(472), (uint)value);
    }

    /// <summary>Incremental reseed count (offset 476).</summary>
    public uint IncrementalReseedCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(476));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(476), value);
    }

    /// <summary>Incremental reseed time (offset 480).</summary>
    public LogTime IncrementalReseedTime
    {
        get => LogTime.Read(_raw.AsSpan(480));
        set => value.Write(_raw.AsSpan(480));
    }

    /// <summary>Old incremental reseed count (offset 488).</summary>
    public uint OldIncrementalReseedCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(488));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(488), value);
    }

    /// <summary>Page patch count (offset 492).</summary>
    public uint PagePatchCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(492));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(492), value);
    }

    /// <summary>Page patch time (offset 496).</summary>
    public LogTime PagePatchTime
    {
        get => LogTime.Read(_raw.AsSpan(496));
        set => value.Write(_raw.AsSpan(496));
    }

    /// <summary>Old page patch count (offset 504).</summary>
    public uint OldPagePatchCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(504));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(504), value);
    }

    /// <summary>NLS sort version (offset 508).</summary>
    public ulong SortVersion
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_raw.AsSpan(508));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_raw.AsSpan(508), value);
    }

    /// <summary>Last database maintenance finish time (offset 516).</summary>
    public LogTime DbscanPreviousTime
    {
        get => LogTime.Read(_raw.AsSpan(516));
        set => value.Write(_raw.AsSpan(516));
    }

    /// <summary>Current database maintenance start time (offset 524).</summary>
    public LogTime DbscanStartTime
    {
        get => LogTime.Read(_raw.AsSpan(524));
        set => value.Write(_raw.AsSpan(524));
    }

    /// <summary>Highest continuous database maintenance page (offset 532).</summary>
    public uint DbscanHighestContinuousPage
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(532));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(532), value);
    }

    /// <summary>Log generation being recovered (offset 536; <c>Log Recovering:</c>).</summary>
    public int GenRecovering
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(536));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(536), value);
    }

    /// <summary>Extend count (offset 540).</summary>
    public uint ExtendCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(540));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(540), value);
    }

    /// <summary>Last extend time (offset 544).</summary>
    public LogTime LastExtendTime
    {
        get => LogTime.Read(_raw.AsSpan(544));
        set => value.Write(_raw.AsSpan(544));
    }

    /// <summary>Shrink count (offset 552).</summary>
    public uint ShrinkCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(552));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(552), value);
    }

    /// <summary>Last shrink time (offset 556).</summary>
    public LogTime LastShrinkTime
    {
        get => LogTime.Read(_raw.AsSpan(556));
        set => value.Write(_raw.AsSpan(556));
    }

    /// <summary>Last re-attach time (offset 564; <c>Last ReAttach:</c>).</summary>
    public LogTime LastReAttachTime
    {
        get => LogTime.Read(_raw.AsSpan(564));
        set => value.Write(_raw.AsSpan(564));
    }

    /// <summary>Last re-attach log position (offset 572).</summary>
    public LogPosition LastReAttachPosition
    {
        get => LogPosition.Read(_raw.AsSpan(572));
        set => value.Write(_raw.AsSpan(572));
    }

    /// <summary>Trim count (offset 580).</summary>
    public uint TrimCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(580));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(580), value);
    }

    /// <summary>Database header flush signature (offset 584).</summary>
    public Signature HeaderFlushSignature
    {
        get => Signature.Read(_raw.AsSpan(584));
        set => value.Write(_raw.AsSpan(584));
    }

    /// <summary>Flush map header flush signature (offset 612).</summary>
    public Signature FlushMapHeaderFlushSignature
    {
        get => Signature.Read(_raw.AsSpan(612));
        set => value.Write(_raw.AsSpan(612));
    }

    /// <summary>Lowest generation for consistency (offset 640; <c>Log Consistent:</c>).</summary>
    public int GenMinConsistent
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(640));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(640), value);
    }

    /// <summary>Format update minor (offset 644; third number of <c>Format ulVersion:</c>).</summary>
    public uint FormatUpdateMinor
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(644));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(644), value);
    }

    /// <summary>Format version of the engine that attached the database last (offset 648; <c>(attached by N)</c>).</summary>
    public uint EngineFormatVersionDiagnostic
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(648));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(648), value);
    }

    /// <summary>Highest database maintenance page (offset 652).</summary>
    public uint DbscanHighestPage
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(652));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(652), value);
    }

    /// <summary>Log position of the last resize (offset 656; <c>Last Resize:</c>).</summary>
    public LogPosition LastResizePosition
    {
        get => LogPosition.Read(_raw.AsSpan(656));
        set => value.Write(_raw.AsSpan(656));
    }

    /// <summary>File type (offset 667): Database, StreamingFile or Unknown in old files.</summary>
    public EseFileType FileType
    {
        get => (EseFileType)BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(667));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(667), (uint)value);
    }

    /// <summary>Creation time of the highest required generation (offset 672; UNCONFIRMED layout).</summary>
    public LogTime GenMaxRequiredTime
    {
        get => LogTime.Read(_raw.AsSpan(672));
        set => value.Write(_raw.AsSpan(672));
    }

    /// <summary>Pre-redo lowest consistent generation (offset 680; UNCONFIRMED).</summary>
    public int GenPreRedoMinConsistent
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(680));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(680), value);
    }

    /// <summary>Pre-redo lowest required generation (offset 684; UNCONFIRMED).</summary>
    public int GenPreRedoMinRequired
    {
        get => BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(684));
        set => BinaryPrimitives.WriteInt32LittleEndian(_raw.AsSpan(684), value);
    }

    /// <summary>RBS header flush signature (offset 688; UNCONFIRMED).</summary>
    public Signature RbsHeaderFlushSignature
    {
        get => Signature.Read(_raw.AsSpan(688));
        set => value.Write(_raw.AsSpan(688));
    }

    /// <summary>Revert count (offset 716; UNCONFIRMED).</summary>
    public uint RevertCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(716));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(716), value);
    }

    /// <summary>Revert-from time (offset 720; UNCONFIRMED).</summary>
    public LogTime RevertFromTime
    {
        get => LogTime.Read(_raw.AsSpan(720));
        set => value.Write(_raw.AsSpan(720));
    }

    /// <summary>Revert-to time (offset 728; UNCONFIRMED).</summary>
    public LogTime RevertToTime
    {
        get => LogTime.Read(_raw.AsSpan(728));
        set => value.Write(_raw.AsSpan(728));
    }

    /// <summary>Revert page count (offset 736; UNCONFIRMED).</summary>
    public uint RevertPageCount
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(736));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_raw.AsSpan(736), value);
    }

    /// <summary>Commit-before-revert log position (offset 740; UNCONFIRMED).</summary>
    public LogPosition CommitBeforeRevertPosition
    {
        get => LogPosition.Read(_raw.AsSpan(740));
        set => value.Write(_raw.AsSpan(740));
    }
}
