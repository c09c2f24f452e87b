namespace ExternalBackup.Engine;

/// <summary>
/// <c>JET_LOGINFO_W</c>: the log generations a backup must copy (<see cref="GenLow"/>..<see cref="GenHigh"/>,
/// both inclusive) and the three-letter log base name.
/// </summary>
/// <param name="GenLow">The lowest generation to copy.</param>
/// <param name="GenHigh">The highest generation to copy (inclusive).</param>
/// <param name="BaseName">The log base name, e.g. <c>edb</c>.</param>
public readonly record struct JetLogInfo(uint GenLow, uint GenHigh, string BaseName);

/// <summary>The result of <c>JetGetLogInfoInstance2W</c>: full paths of the logs to copy and their range.</summary>
/// <param name="Files">Full paths of the log files, in generation order.</param>
/// <param name="Info">The generation range and base name.</param>
public sealed record BackupLogInfo(IReadOnlyList<string> Files, JetLogInfo Info);

/// <summary>A file opened by <c>JetOpenFileInstanceW</c>: the engine's handle and the size it reported.</summary>
/// <param name="Handle">The engine's <c>JET_HANDLE</c> (0 is a valid handle).</param>
/// <param name="Size">The size in bytes the engine will stream (for a database: header pages, data pages and trailer).</param>
public readonly record struct BackupFileHandle(nint Handle, long Size);
