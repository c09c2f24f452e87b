using System.Globalization;
using System.Text.RegularExpressions;

namespace ExternalBackup.Snapshots;

/// <summary>ESE log and checkpoint file names: <c>&lt;base&gt;.log</c> (the current log), <c>&lt;base&gt;XXXXX.log</c> or <c>&lt;base&gt;XXXXXXXX.log</c> (a generation in hex), <c>&lt;base&gt;.chk</c>.</summary>
public static partial class LogFileName
{
    /// <summary>Whether <paramref name="fileName"/> names a log of <paramref name="baseName"/>; <paramref name="generation"/> is the generation its name states, or <see langword="null"/> for the current log.</summary>
    public static bool IsLogOf(string fileName, string baseName, out long? generation)
    {
        generation = null;
        var m = LogName().Match(fileName);
        if (!m.Success || !string.Equals(m.Groups["base"].Value, baseName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (m.Groups["gen"].Success)
        {
            generation = long.Parse(m.Groups["gen"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return true;
    }

    /// <summary>The base name a log's file name states (<c>edb</c> for <c>edb0007E.log</c>), or <see langword="null"/>.</summary>
    public static string? BaseOf(string fileName)
    {
        var m = LogName().Match(fileName);
        return m.Success ? m.Groups["base"].Value : null;
    }

    /// <summary>The file name of generation <paramref name="generation"/> in the old 5-digit form (<c>edb0007C.log</c>) when it fits, else the 8-digit form.</summary>
    public static string Of(string baseName, long generation) =>
        generation <= 0xFFFFF ? $"{baseName}{generation:X5}.log" : $"{baseName}{generation:X8}.log";

    [GeneratedRegex(@"^(?<base>[A-Za-z0-9]{3})(?<gen>[0-9A-Fa-f]{5}|[0-9A-Fa-f]{8})?\.(log|jtx)$", RegexOptions.CultureInvariant)]
    private static partial Regex LogName();
}
