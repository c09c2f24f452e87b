namespace ExternalBackup.Snapshots;

/// <summary>Progress of a frozen set copy.</summary>
/// <param name="File">The file being copied (its set path).</param>
/// <param name="FileBytesDone">Bytes of it copied and verified.</param>
/// <param name="FileBytes">Its length.</param>
/// <param name="SetBytesDone">Bytes of the whole set copied and verified.</param>
/// <param name="SetBytes">The whole set's length.</param>
public readonly record struct FrozenCopyProgress(string File, long FileBytesDone, long FileBytes, long SetBytesDone, long SetBytes);
