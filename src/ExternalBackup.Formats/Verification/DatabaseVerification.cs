using ExternalBackup.Formats.Database;

namespace ExternalBackup.Formats.Verification;

/// <summary>The result of verifying a database file, page by page (what eseutil /k reports, and more).</summary>
public sealed record DatabaseVerification
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>The page size used (0 when no valid header was found and none was given).</summary>
    public int PageSize { get; init; }

    /// <summary>The header read (null when both copies are bad).</summary>
    public DatabaseHeader? Header { get; init; }

    /// <summary>The state of the header and shadow header.</summary>
    public HeaderCopyStatus HeaderStatus { get; init; }

    /// <summary>Physical pages seen, header pages and trailer included (eseutil "pages seen").</summary>
    public long PagesSeen { get; init; }

    /// <summary>Non-zero pages whose checksum was computed (headers and trailer included).</summary>
    public long PagesChecked { get; init; }

    /// <summary>All-zero pages (not checksummed, as eseutil /k).</summary>
    public long UninitializedPages { get; init; }

    /// <summary>Page numbers with a bad checksum or a wrong page number (-1/0 for the header pages), ascending.</summary>
    public required IReadOnlyList<long> BadPages { get; init; }

    /// <summary>Pages with a correctable single-bit error and the bit offset inside the page.</summary>
    public required IReadOnlyList<(long Page, long Bit)> CorrectablePages { get; init; }

    /// <summary>Pages whose data belongs to another page (a subset of <see cref="BadPages"/>).</summary>
    public long WrongPageNumbers { get; init; }

    /// <summary>The highest page DBTIME seen on a good data page.</summary>
    public ulong HighestDbTime { get; init; }

    /// <summary>The page holding <see cref="HighestDbTime"/>.</summary>
    public long HighestDbTimePage { get; init; }

    /// <summary>The streaming-backup trailer page, when the file ends with one.</summary>
    public TrailerPage? Trailer { get; init; }

    /// <summary>Bytes read.</summary>
    public long BytesRead { get; init; }

    /// <summary>Every finding (errors and warnings).</summary>
    public required IReadOnlyList<VerificationProblem> Problems { get; init; }

    /// <summary>True when no finding is an error.</summary>
    public bool Ok => Problems.All(p => p.IsWarning);
}
