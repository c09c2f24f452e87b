namespace ExternalBackup.Sinks;

/// <summary>Bytes of the open file at a byte offset.</summary>
/// <param name="Offset">Where <paramref name="Data"/> starts in the file.</param>
/// <param name="Data">The bytes; valid only during the write call.</param>
public readonly record struct BackupChunk(long Offset, ReadOnlyMemory<byte> Data);
