using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>What <see cref="SyntheticDatabaseWriter"/> writes. Defaults describe a small, clean 4 KiB-page ECC database.</summary>
public sealed record SyntheticDatabaseOptions
{
    /// <summary>Page size: 2048, 4096, 8192, 16384 or 32768. Default 4096.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>True for ECC checksums (flag 0x2000), false for legacy XOR (pages up to 8 KiB only). Default true.</summary>
    public bool EccChecksums { get; init; } = true;

    /// <summary>Database pages after the two header pages (the file has <c>(PageCount + 2) x PageSize</c> bytes, plus a trailer page if any). Default 256.</summary>
    public long PageCount { get; init; } = 256;

    /// <summary>Fraction of pages left all zero (uninitialised), spread through the file. Default 0.25.</summary>
    public double ZeroPageFraction { get; init; } = 0.25;

    /// <summary>Fill page bodies with pseudo-random bytes (true) or a cheap repeating pattern (false; faster for multi-GiB files). Default true.</summary>
    public bool RandomContent { get; init; } = true;

    /// <summary>Seed of the content. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Database state. Default clean shutdown.</summary>
    public DatabaseState State { get; init; } = DatabaseState.CleanShutdown;

    /// <summary>Log stream signature. Default random 0x5EED0001 created 2024-01-02 03:04:05 UTC.</summary>
    public Signature LogSignature { get; init; } = new(0x5EED0001, LogTime.FromDateTime(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)), string.Empty);

    /// <summary>Database signature. Default random 0xDB000001 created 2024-01-02 03:04:05 UTC.</summary>
    public Signature DatabaseSignature { get; init; } = new(0xDB000001, LogTime.FromDateTime(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)), string.Empty);

    /// <summary>Lowest required log generation (a dirty database needs <c>GenMinRequired..GenMaxRequired</c>). Default 0.</summary>
    public int GenMinRequired { get; init; }

    /// <summary>Highest required log generation. Default 0.</summary>
    public int GenMaxRequired { get; init; }

    /// <summary>Highest committed log generation. Default 0 (then <see cref="GenMaxRequired"/> is used).</summary>
    public int GenMaxCommitted { get; init; }

    /// <summary>Log position of the last consistent state (zero for a dirty database). Default (1,16,0).</summary>
    public LogPosition ConsistentPosition { get; init; } = new(1, 16, 0);

    /// <summary>Format revision (update major). Default 20 (Windows 8 .. 10, Exchange 2013+).</summary>
    public uint FormatRevision { get; init; } = 20;

    /// <summary>Format update minor. Default 0.</summary>
    public uint FormatUpdateMinor { get; init; }

    /// <summary>Repair count. Default 0.</summary>
    public uint RepairCount { get; init; }

    /// <summary>Backup records and any other header field: applied last to the header before it is written.</summary>
    public Action<DatabaseHeader>? CustomizeHeader { get; init; }

    /// <summary>When set, a streaming-backup trailer page is appended as the last page (the header should then carry CurrentFullBackup genLow set and genHigh 0).</summary>
    public TrailerPage? Trailer { get; init; }
}
