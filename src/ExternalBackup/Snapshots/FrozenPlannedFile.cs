using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>A file a frozen set backup copies.</summary>
/// <param name="Header">Its header facts.</param>
/// <param name="SetPath">Its path inside the set.</param>
/// <param name="Length">Its length when planned (a frozen file does not change).</param>
public sealed record FrozenPlannedFile(FrozenFileHeader Header, string SetPath, long Length)
{
    /// <summary>The layout folder it was listed in: it is opened below it without following a link on the way.</summary>
    internal string Folder { get; init; } = "";

    /// <summary>The manifest's kind for the file.</summary>
    public BackupFileKind Kind => Header.Type switch
    {
        FrozenFileType.Database => BackupFileKind.Database,
        FrozenFileType.Log => BackupFileKind.Log,
        FrozenFileType.Checkpoint => BackupFileKind.Checkpoint,
        _ => BackupFileKind.Other,
    };
}
