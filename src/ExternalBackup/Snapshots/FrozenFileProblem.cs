namespace ExternalBackup.Snapshots;

/// <summary>One verification failure inside a file.</summary>
/// <param name="Cause">What is wrong (e.g. "ECC checksum mismatch").</param>
/// <param name="Page">For databases, the page number (pgno); otherwise <see langword="null"/>.</param>
/// <param name="Offset">The byte offset in the file where the failing unit starts.</param>
public sealed record FrozenFileProblem(string Cause, long? Page, long Offset);
