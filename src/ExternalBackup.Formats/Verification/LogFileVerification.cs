using ExternalBackup.Formats.Log;

namespace ExternalBackup.Formats.Verification;

/// <summary>The result of verifying one transaction log file.</summary>
public sealed record LogFileVerification
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>The header (null when it is missing or unreadable).</summary>
    public LogFileHeader? Header { get; init; }

    /// <summary>The generation in the header (0 when unknown).</summary>
    public int Generation => Header?.Generation ?? 0;

    /// <summary>Segments (v8) whose checksum was verified.</summary>
    public long SegmentsChecked { get; init; }

    /// <summary>Log records checksum blocks (v7 LRCHECKSUM records) verified.</summary>
    public long ChecksumRecordsChecked { get; init; }

    /// <summary>
    /// For v8 logs: XOR of the checksums of the contiguous run of current-generation segments, which the next
    /// generation stores in <see cref="LogFileHeader.PreviousLogSegmentChecksum"/>; 0 for v7 logs.
    /// </summary>
    public ulong AccumulatedSegmentChecksum { get; init; }

    /// <summary>
    /// The file offset where the written log data ends (the log's tip): after the range the last valid LRCHECKSUM
    /// record covers (v7), or after the last segment of the contiguous run of this generation's segments (v8); 0
    /// when no record or segment verified.
    /// </summary>
    public long RecordsEnd { get; init; }

    /// <summary>Bytes read.</summary>
    public long BytesRead { get; init; }

    /// <summary>Every finding.</summary>
    public required IReadOnlyList<VerificationProblem> Problems { get; init; }

    /// <summary>True when no finding is an error.</summary>
    public bool Ok => Problems.All(p => p.IsWarning);
}
