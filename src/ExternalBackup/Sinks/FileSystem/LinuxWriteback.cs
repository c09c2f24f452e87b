using System.Runtime.InteropServices;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// Raw Linux declarations for steering the page cache's writeback, kept apart from the typed code above them
/// (<see cref="StagedFile"/>). Values from linux/fs.h and linux/fadvise.h (the same on x86-64 and arm64).
/// </summary>
internal static partial class LinuxWriteback
{
    /// <summary><c>SYNC_FILE_RANGE_WAIT_BEFORE</c>: wait for writeback already under way in the range.</summary>
    public const uint WaitBefore = 1;

    /// <summary><c>SYNC_FILE_RANGE_WRITE</c>: start writeback of the range's dirty pages.</summary>
    public const uint Write = 2;

    /// <summary><c>SYNC_FILE_RANGE_WAIT_AFTER</c>: wait until the range's writeback has ended.</summary>
    public const uint WaitAfter = 4;

    /// <summary><c>POSIX_FADV_DONTNEED</c> for <see cref="Platform.LinuxFileCalls.Advise"/>: the range's clean pages may leave the page cache.</summary>
    public const int DontNeed = 4;

    /// <summary><c>int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long bytes, uint flags);
}
