namespace ExternalBackup.Platform;

/// <summary>What a folder entry is, seen without following it (the type bits of <c>lstat</c>).</summary>
internal enum FileEntryKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file: the only kind a backup opens.</summary>
    RegularFile,

    /// <summary>A folder.</summary>
    Folder,

    /// <summary>A symbolic link (or, on Windows, any reparse point: a junction, a mount point).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening it waits for a writer.</summary>
    Fifo,

    /// <summary>A character device (<c>/dev/zero</c>, a terminal): reading it may never end or may wait forever.</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A kind this code does not know.</summary>
    Other,
}

/// <summary>Words for <see cref="FileEntryKind"/> in error messages.</summary>
internal static class FileEntryKindText
{
    /// <summary>"a FIFO (named pipe)", "a character device", ...</summary>
    public static string Describe(this FileEntryKind kind) => kind switch
    {
        FileEntryKind.Missing => "nothing (a missing target)",
        FileEntryKind.RegularFile => "a regular file",
        FileEntryKind.Folder => "a folder",
        FileEntryKind.SymbolicLink => "a symbolic link",
        FileEntryKind.Fifo => "a FIFO (named pipe)",
        FileEntryKind.CharacterDevice => "a character device",
        FileEntryKind.BlockDevice => "a block device",
        FileEntryKind.Socket => "a socket",
        _ => "a special file of unknown kind",
    };
}
