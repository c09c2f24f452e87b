using System.Globalization;
using System.Text;

namespace ExternalBackup.Formats.Verification;

/// <summary>One finding of a verifier: the file, where (page, generation, byte offset) and the cause.</summary>
/// <param name="Path">The file (or folder for set-level findings).</param>
/// <param name="Cause">What is wrong, in words.</param>
/// <param name="Page">The page number (-1 and 0 are the header and shadow header) or log sector, when the finding is about one.</param>
/// <param name="Generation">The log generation, when the finding is about one.</param>
/// <param name="Offset">The byte offset in the file, when known.</param>
/// <param name="IsWarning">True for findings that do not make the file unusable (e.g. a correctable single-bit error).</param>
public sealed record VerificationProblem(string Path, string Cause, long? Page = null, int? Generation = null, long? Offset = null, bool IsWarning = false)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(IsWarning ? "WARNING: " : "ERROR: ").Append(Path);
        if (Generation is { } g)
        {
            sb.Append(CultureInfo.InvariantCulture, $" generation {g} (0x{g:X})");
        }

        if (Page is { } p)
        {
            sb.Append(CultureInfo.InvariantCulture, $" page {p}");
        }

        if (Offset is { } o)
        {
            sb.Append(CultureInfo.InvariantCulture, $" offset {o} (0x{o:X})");
        }

        return sb.Append(": ").Append(Cause).ToString();
    }
}
