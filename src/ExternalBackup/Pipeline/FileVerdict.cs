namespace ExternalBackup.Pipeline;

/// <summary>
/// The decision on a checked file: no problem, or one <see cref="BackupVerificationException"/> naming the file, the
/// pages in ranges (<c>pages 143..158</c>) and the first causes with their offsets.
/// </summary>
internal static class FileVerdict
{
    /// <summary>How many causes the message spells out before "and N more".</summary>
    public const int CausesNamed = 4;

    /// <summary>Throws when <paramref name="problems"/> is not empty.</summary>
    /// <exception cref="BackupVerificationException">At least one problem.</exception>
    public static void ThrowIfAny(string file, IReadOnlyList<FileProblem> problems, long? generation = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count > 0)
        {
            throw new BackupVerificationException(file, problems.Min(p => p.Offset), Describe(problems, generation));
        }
    }

    /// <summary>Describes problems, grouping consecutive pages into ranges.</summary>
    public static string Describe(IReadOnlyList<FileProblem> problems, long? generation = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var pages = problems.Where(p => p.Page is not null).Select(p => p.Page!.Value).Distinct().Order().ToList();
        var parts = new List<string>();
        if (pages.Count > 0)
        {
            var ranges = new List<string>();
            var start = pages[0];
            var end = pages[0];
            foreach (var p in pages.Skip(1).Append(long.MinValue))
            {
                if (p == end + 1)
                {
                    end = p;
                    continue;
                }

                ranges.Add(start == end ? $"{start}" : $"{start}..{end}");
                start = end = p;
            }

            parts.Add($"{(generation is null ? pages.Count == 1 ? "page" : "pages" : pages.Count == 1 ? "segment" : "segments")} {string.Join(", ", ranges)} failed verification ({pages.Count} bad)");
        }

        if (problems.Any(p => p.Page is null))
        {
            parts.Add(generation is { } g ? $"log generation {g} failed verification" : "failed verification");
        }

        var causes = problems.Take(CausesNamed).Select(p => p.Page is { } pg ? $"{(generation is null ? "page" : "segment")} {pg} at offset {p.Offset}: {p.Cause}" : $"offset {p.Offset}: {p.Cause}");
        return $"{string.Join("; ", parts)}: {string.Join("; ", causes)}{(problems.Count > CausesNamed ? $"; and {problems.Count - CausesNamed} more" : "")}";
    }
}
