using ExternalBackup.Formats.Checksums;

namespace ExternalBackup.Formats.Verification;

/// <summary>
/// Verifies a flush map (.jfm): an 8 KiB header page with an XOR-32 checksum, then 8 KiB data pages checksummed like
/// database pages whose page number is the 0-based map page index. All-zero pages are uninitialised.
/// </summary>
public static class FlushMapVerifier
{
    /// <summary>The flush-map page size.</summary>
    public const int PageSize = 8192;

    /// <summary>Verifies the whole file's bytes; returns the findings.</summary>
    public static IReadOnlyList<VerificationProblem> Verify(string path, ReadOnlySpan<byte> file)
    {
        var problems = new List<VerificationProblem>();
        if (file.Length < PageSize || file.Length % PageSize != 0)
        {
            problems.Add(new VerificationProblem(path, $"flush map size {file.Length} is not a whole number of {PageSize}-byte pages", Offset: file.Length - (file.Length % PageSize)));
        }

        if (file.Length >= PageSize)
        {
            var h = PageChecksum.VerifyHeader(file[..PageSize]);
            if (h.Status != PageChecksumStatus.Ok)
            {
                problems.Add(new VerificationProblem(path, "flush map header: " + h.Describe(), Page: -1, Offset: 0));
            }
        }

        for (long n = 0; (n + 2) * PageSize <= file.Length; n++)
        {
            var r = PageChecksum.VerifyPage(file.Slice((int)((n + 1) * PageSize), PageSize), (uint)n);
            if (!r.IsGood)
            {
                problems.Add(new VerificationProblem(path, "flush map page: " + r.Describe(), Page: n, Offset: (n + 1) * PageSize, IsWarning: r.Status == PageChecksumStatus.Correctable));
            }
        }

        return problems;
    }
}
