using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Chains;

/// <summary>
/// The one text form of an ESE signature in manifests and messages: the random part as 8 hex digits and the
/// creation time, e.g. <c>0000fced (11/22/2026 06:00:00.123)</c>. Equal texts mean equal signatures for every file
/// written since Windows XP (their computer name is empty).
/// </summary>
internal static class SignatureText
{
    /// <summary>The text of <paramref name="signature"/>.</summary>
    public static string Of(Signature signature) => $"{signature.ShortHex} ({signature.Created.ToEseutilString(withZone: false)})";

    /// <summary>
    /// The random part of a signature text (the part before the first space): what format 1 manifests recorded
    /// (<c>databases[].logSignature</c> was the 8 hex digits alone).
    /// </summary>
    public static string RandomPart(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? text : text[..space];
    }
}
