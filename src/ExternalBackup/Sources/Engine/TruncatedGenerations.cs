using System.Globalization;
using ExternalBackup.Formats.Log;

namespace ExternalBackup.Sources.Engine;

/// <summary>How the truncation event names the logs the engine deletes: generation ranges (<c>126..130</c>), else the file names.</summary>
internal static class TruncatedGenerations
{
    /// <summary>"126..130, 132" for the listed logs; "none" when the list is empty; names that are not archived logs as they are.</summary>
    public static string Describe(IReadOnlyList<string> logs)
    {
        if (logs.Count == 0)
        {
            return "none";
        }

        var generations = new List<int>();
        var others = new List<string>();
        foreach (var log in logs)
        {
            var name = log[(log.LastIndexOfAny(['/', '\\']) + 1)..];
            if (LogFileName.TryParse(name)?.Generation is { } generation)
            {
                generations.Add(generation);
            }
            else
            {
                others.Add(name);
            }
        }

        generations.Sort();
        var ranges = new List<string>();
        for (var i = 0; i < generations.Count;)
        {
            var j = i;
            while (j + 1 < generations.Count && generations[j + 1] == generations[j] + 1)
            {
                j++;
            }

            ranges.Add(i == j ? generations[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{generations[i]}..{generations[j]}"));
            i = j + 1;
        }

        return string.Join(", ", ranges.Concat(others));
    }
}
