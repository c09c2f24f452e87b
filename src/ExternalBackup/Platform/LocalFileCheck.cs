namespace ExternalBackup.Platform;

/// <summary>
/// Whether a local file may be opened for reading: only a regular file, seen without following a link
/// (<c>statx</c> with <c>AT_SYMLINK_NOFOLLOW</c> on Linux). For
/// <see cref="ExternalBackup.Formats.Files.EseFileVerifierOptions.RefuseBeforeOpening"/>, so that verifying a folder
/// that holds a FIFO, a device or a link reports it instead of hanging on it or reading outside the folder.
/// </summary>
public static class LocalFileCheck
{
    /// <summary>Why <paramref name="path"/> must not be read ("a FIFO (named pipe), not a regular file: never opened"), or <see langword="null"/> for a regular file.</summary>
    public static string? WhyNotRead(string path)
    {
        var kind = NoFollowPath.KindOf(path);
        return kind == FileEntryKind.RegularFile ? null : $"{kind.Describe()}, not a regular file: never opened";
    }
}
