using ExternalBackup.Formats.Checksums;
using ExternalBackup.Manifest;

namespace ExternalBackup.Pipeline.Verification;

/// <summary>
/// Corrects, in the chunk about to be stored, the single-bit errors a verifier found correctable (ESE does the same
/// on read: <c>FTryFixBlock</c>), and checks that the page or segment then verifies. One policy for database pages
/// (page <c>n</c> at <c>(n + 1) × pageSize</c>) and v8 log segments (segment <c>n</c> at <c>n × 4096</c>).
/// </summary>
internal sealed class EccCorrector(string setPath, bool isLog)
{
    private readonly List<EccCorrection> _corrections = [];
    private readonly List<FileProblem> _problems = [];
    private int _seen;

    /// <summary>The corrections made.</summary>
    public IReadOnlyList<EccCorrection> Corrections => _corrections;

    /// <summary>Correctable units that could not be corrected in the copy (already stored, or still bad after the flip).</summary>
    public IReadOnlyList<FileProblem> Problems => _problems;

    /// <summary>Corrects the units of <paramref name="correctable"/> found since the last call that lie in <paramref name="data"/> (at <paramref name="offset"/>).</summary>
    public void Correct(Span<byte> data, long offset, int unitSize, IReadOnlyList<(long Unit, long Bit)> correctable)
    {
        for (; _seen < correctable.Count; _seen++)
        {
            var (unit, bit) = correctable[_seen];
            var start = (isLog ? unit : unit + 1) * unitSize;
            var at = start + (bit / 8) - offset;
            var pageAt = start - offset;
            if (unitSize == 0 || pageAt < 0 || pageAt + unitSize > data.Length)
            {
                _problems.Add(new FileProblem($"single-bit error (bit {bit}) is correctable but was not in the chunk being copied", start + (bit / 8), unit));
                continue;
            }

            data[(int)at] ^= (byte)(1 << (int)(bit % 8));
            if (PageChecksum.VerifyPage(data.Slice((int)pageAt, unitSize), (uint)unit).Status != PageChecksumStatus.Ok)
            {
                data[(int)at] ^= (byte)(1 << (int)(bit % 8));
                _problems.Add(new FileProblem($"single-bit error (bit {bit}) reported correctable, but the {(isLog ? "segment" : "page")} does not verify once corrected", start + (bit / 8), unit));
                continue;
            }

            _corrections.Add(new EccCorrection(setPath, unit, start + (bit / 8), (int)(bit % 8)));
        }
    }
}
