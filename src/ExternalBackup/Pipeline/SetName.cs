using System.Globalization;
using ExternalBackup.Manifest;

namespace ExternalBackup.Pipeline;

/// <summary>The one rule for a set's name and the one check of a name given instead, for every source.</summary>
public static class SetName
{
    /// <summary>The format of the start time in a set name (UTC, milliseconds).</summary>
    public const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>The default name: <c>yyyyMMddTHHmmssfffZ-kind</c>, e.g. <c>20261122T060000000Z-full</c>.</summary>
    public static string For(DateTimeOffset started, BackupKind kind) =>
        $"{started.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{kind.Name()}";

    /// <summary>Why <paramref name="setId"/> cannot name a set (not a plain folder name), or <see langword="null"/>.</summary>
    public static string? Problem(string setId)
    {
        ArgumentNullException.ThrowIfNull(setId);
        var problem = setId.Contains('/', StringComparison.Ordinal) ? "it holds '/'" : Sinks.SetPath.Check(setId);
        return problem ?? (setId.StartsWith('.') ? "it starts with '.' (reserved for the sink's own files)" : null);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the cause when <paramref name="setId"/> is given and cannot name a set.</summary>
    public static void Validate(string? setId, string parameterName)
    {
        if (setId is not null && Problem(setId) is { } problem)
        {
            throw new ArgumentException($"set name '{setId}' is not a plain folder name: {problem}", parameterName);
        }
    }
}
