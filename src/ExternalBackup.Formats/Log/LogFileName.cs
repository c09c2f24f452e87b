using System.Globalization;

namespace ExternalBackup.Formats.Log;

/// <summary>
/// ESE log-folder file names: <c>edb00001.log</c> (5 or 8 uppercase hex digits), <c>edb.log</c> (current),
/// <c>edbtmp.log</c>, <c>edbres00001.jrs</c>, <c>res1.log</c>, <c>edb.chk</c>; the modern extensions .jtx/.jcp too.
/// </summary>
/// <param name="BaseName">The 3-character base (e.g. <c>edb</c>, <c>E00</c>); empty for <c>res1.log</c>.</param>
/// <param name="Kind">What the name says the file is.</param>
/// <param name="Generation">The generation from the name (archived logs only).</param>
/// <param name="Extension">The extension with the dot (e.g. <c>.log</c>).</param>
public readonly record struct LogFileName(string BaseName, LogFileKind Kind, int? Generation, string Extension)
{
    /// <summary>Parses a file name (no folder); null when it is not a log-folder name.</summary>
    public static LogFileName? TryParse(string fileName)
    {
        var name = Path.GetFileName(fileName);
        var ext = Path.GetExtension(name);
        var stem = Path.GetFileNameWithoutExtension(name);
        var isLog = ext.Equals(".log", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jtx", StringComparison.OrdinalIgnoreCase);
        if (ext.Equals(".chk", StringComparison.OrdinalIgnoreCase) || ext.Equals(".jcp", StringComparison.OrdinalIgnoreCase))
        {
            return stem.Length == 3 ? new LogFileName(stem, LogFileKind.Checkpoint, null, ext) : null;
        }

        if (ext.Equals(".jrs", StringComparison.OrdinalIgnoreCase))
        {
            return stem.Length > 6 && stem.AsSpan(3, 3).Equals("res", StringComparison.OrdinalIgnoreCase)
                ? new LogFileName(stem[..3], LogFileKind.Reserve, null, ext)
                : null;
        }

        if (!isLog)
        {
            return null;
        }

        if (stem.Equals("res1", StringComparison.OrdinalIgnoreCase) || stem.Equals("res2", StringComparison.OrdinalIgnoreCase))
        {
            return new LogFileName(string.Empty, LogFileKind.Reserve, null, ext);
        }

        if (stem.Length == 3)
        {
            return new LogFileName(stem, LogFileKind.Current, null, ext);
        }

        if (stem.Length == 6 && stem.EndsWith("tmp", StringComparison.OrdinalIgnoreCase))
        {
            return new LogFileName(stem[..3], LogFileKind.Temporary, null, ext);
        }

        var digits = stem[3..];
        if (digits.Length is 5 or 8 && int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var gen) && gen > 0)
        {
            return new LogFileName(stem[..3], LogFileKind.Archived, gen, ext);
        }

        return null;
    }

    /// <summary>
    /// The archived name of generation <paramref name="generation"/>: base + uppercase hex (5 digits while the
    /// generation fits, as ESENT does, else 8; or always 8 with <paramref name="eightDigits"/>, as Exchange does) + extension.
    /// </summary>
    public static string Format(string baseName, int generation, bool eightDigits = false, string extension = ".log")
    {
        var digits = eightDigits || generation > 0xFFFFF ? 8 : 5;
        return baseName + generation.ToString("X" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + extension;
    }

    /// <summary>The current log's name (<c>edb.log</c>).</summary>
    public static string Current(string baseName, string extension = ".log") => baseName + extension;

    /// <summary>The checkpoint's name (<c>edb.chk</c>).</summary>
    public static string Checkpoint(string baseName, string extension = ".chk") => baseName + extension;
}
