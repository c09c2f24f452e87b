using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>
/// Writes a synthetic ESE instance folder: databases, archived logs <c>edb00001.log</c>.., the current <c>edb.log</c>
/// and <c>edb.chk</c>, all with one log signature; clean databases are consistent at the last generation, dirty ones
/// require generations that the set holds unless their options say otherwise. The folder passes
/// <c>ExternalBackup.Formats.Files.EseFileVerifier</c>.
/// </summary>
public static class SyntheticInstanceWriter
{
    /// <summary>The result: the paths written and the log headers.</summary>
    /// <param name="Databases">Database paths.</param>
    /// <param name="Logs">Log headers, oldest first (the last is the current log).</param>
    public sealed record Written(IReadOnlyList<string> Databases, IReadOnlyList<LogFileHeader> Logs);

    /// <summary>Writes the instance into <paramref name="folder"/> (created if needed).</summary>
    public static async Task<Written> WriteAsync(string folder, SyntheticInstanceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(folder);
        var logs = await SyntheticLogWriter.WriteLogSetAsync(folder, options.Logs, cancellationToken).ConfigureAwait(false);
        var last = logs[^1].Generation;
        var paths = new List<string>();
        foreach (var (name, dbOptions) in options.Databases)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var o = dbOptions with
            {
                LogSignature = options.Logs.LogSignature,
                ConsistentPosition = dbOptions.ConsistentPosition == new SyntheticDatabaseOptions().ConsistentPosition
                    ? new LogPosition(last, 1, 0)
                    : dbOptions.ConsistentPosition,
            };
            await SyntheticDatabaseWriter.WriteFileAsync(path, o, cancellationToken).ConfigureAwait(false);
            paths.Add(path);
        }

        return new Written(paths, logs);
    }
}
