namespace ExternalBackup.Cli.Progress;

/// <summary>One report of a long operation as every progress view shows it (mapped from the library's progress records).</summary>
/// <param name="Operation">backup, restore or verify.</param>
/// <param name="Phase">The operation's phase (lower case).</param>
/// <param name="BytesDone">Bytes done.</param>
/// <param name="BytesTotal">Bytes to do as far as known (a backup learns its logs' sizes after the databases).</param>
/// <param name="FilesDone">Files done.</param>
/// <param name="FilesTotal">Files to do as far as known.</param>
/// <param name="CurrentFile">The file being worked on, or <see langword="null"/>.</param>
/// <param name="Finished">Whether this is the last report (the work is done).</param>
public sealed record ProgressSample(string Operation, string Phase, long BytesDone, long BytesTotal, int FilesDone, int FilesTotal, string? CurrentFile, bool Finished);
