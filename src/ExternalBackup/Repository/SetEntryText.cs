using ExternalBackup.Platform;

namespace ExternalBackup.Repository;

/// <summary>Words for a <see cref="FileEntryKind"/> found where a set (or a restore target) expects a file, in error messages.</summary>
internal static class SetEntryText
{
    /// <summary>"missing", "a symbolic link (links inside a set are never followed)", "a FIFO, not a regular file (never opened)", ...</summary>
    public static string DescribeInSet(this FileEntryKind kind) => kind switch
    {
        FileEntryKind.Missing => "missing",
        FileEntryKind.RegularFile => "a regular file",
        FileEntryKind.Folder => "a folder, not a file",
        FileEntryKind.SymbolicLink => "a symbolic link (links inside a set are never followed)",
        FileEntryKind.Fifo => "a FIFO, not a regular file (never opened)",
        FileEntryKind.CharacterDevice => "a character device, not a regular file (never opened)",
        FileEntryKind.BlockDevice => "a block device, not a regular file (never opened)",
        FileEntryKind.Socket => "a socket, not a regular file (never opened)",
        _ => "a special file of unknown kind, not a regular file (never opened)",
    };
}
