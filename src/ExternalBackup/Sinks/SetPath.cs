namespace ExternalBackup.Sinks;

/// <summary>Rules for paths inside a backup set: relative, '/'-separated, no traversal, portable names.</summary>
public static class SetPath
{
    private static readonly char[] Forbidden = ['\\', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>Returns <paramref name="path"/> when it is a safe set path; throws <see cref="ArgumentException"/> naming the cause otherwise.</summary>
    public static string Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reason = Check(path);
        return reason is null ? path : throw new ArgumentException($"unsafe path in backup set '{path}': {reason}", nameof(path));
    }

    /// <summary>Why <paramref name="path"/> is not a safe set path, or <see langword="null"/> when it is.</summary>
    public static string? Check(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "empty";
        }

        if (path.Length > 1024)
        {
            return "longer than 1024 characters";
        }

        if (path[0] == '/')
        {
            return "absolute";
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return $"control character U+{(int)c:X4}";
            }
        }

        if (path.IndexOfAny(Forbidden) >= 0)
        {
            return "contains one of \\ : * ? \" < > |";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "empty segment";
            }

            if (segment is "." or "..")
            {
                return "'.' or '..' segment";
            }

            if (segment.EndsWith(' ') || segment.EndsWith('.'))
            {
                return "segment ends with a space or dot";
            }
        }

        return null;
    }
}
