using System.Runtime.InteropServices;

namespace ExternalBackup.Platform;

/// <summary>
/// Raw Linux declarations for looking at and opening files without following symbolic links or blocking on special
/// files, kept apart from the typed code above them (<see cref="FileEntry"/>, <see cref="RegularFile"/>,
/// <see cref="NoFollowPath"/>). Values from asm-generic/fcntl.h, linux/stat.h and sys/file.h; <c>O_DIRECTORY</c> and
/// <c>O_NOFOLLOW</c> differ on Arm and powerpc (arch/arm64/include/uapi/asm/fcntl.h); <c>struct statx</c> has one
/// layout on every architecture.
/// </summary>
internal static partial class LinuxFileCalls
{
    /// <summary><c>O_RDONLY</c>.</summary>
    public const int ReadOnly = 0;

    /// <summary><c>O_RDWR</c>.</summary>
    public const int ReadWrite = 2;

    /// <summary><c>O_CREAT</c>.</summary>
    public const int Create = 0x40;

    /// <summary><c>O_NONBLOCK</c>: opening a FIFO does not wait for a writer.</summary>
    public const int NonBlocking = 0x800;

    /// <summary><c>O_NOFOLLOW</c>: a symbolic link as the last component fails with <c>ELOOP</c> (0x8000 on Arm and powerpc).</summary>
    public static readonly int NoFollow = ArmOpenFlags ? 0x8000 : 0x20000;

    /// <summary><c>O_DIRECTORY</c>: anything but a folder fails with <c>ENOTDIR</c> (0x4000 on Arm and powerpc).</summary>
    public static readonly int DirectoryOnly = ArmOpenFlags ? 0x4000 : 0x10000;

    /// <summary><c>O_CLOEXEC</c>.</summary>
    public const int CloseOnExec = 0x80000;

    /// <summary><c>O_NOCTTY</c>: a terminal opened by mistake does not become the controlling one.</summary>
    public const int NoControllingTerminal = 0x100;

    /// <summary><c>AT_FDCWD</c>.</summary>
    public const int CurrentFolder = -100;

    /// <summary><c>AT_SYMLINK_NOFOLLOW</c>: describe a link itself, not its target.</summary>
    public const int SymlinkNoFollow = 0x100;

    /// <summary><c>AT_EMPTY_PATH</c>: describe the open file <c>dirfd</c>.</summary>
    public const int EmptyPath = 0x1000;

    /// <summary><c>STATX_TYPE | STATX_MODE | STATX_INO | STATX_SIZE</c>.</summary>
    public const uint TypeInodeAndSize = 0x1 | 0x2 | 0x100 | 0x200;

    /// <summary>Size of <c>struct statx</c>.</summary>
    public const int StatxSize = 256;

    /// <summary>Offset of <c>stx_mode</c> (u16).</summary>
    public const int StatxModeOffset = 28;

    /// <summary>Offset of <c>stx_ino</c> (u64).</summary>
    public const int StatxInodeOffset = 32;

    /// <summary>Offset of <c>stx_size</c> (u64).</summary>
    public const int StatxSizeOffset = 40;

    /// <summary>Offset of <c>stx_dev_major</c> (u32, followed by <c>stx_dev_minor</c>).</summary>
    public const int StatxDeviceOffset = 136;

    /// <summary><c>F_GETFL</c>.</summary>
    public const int GetFlags = 3;

    /// <summary><c>F_SETFL</c>.</summary>
    public const int SetFlags = 4;

    /// <summary><c>LOCK_EX</c>.</summary>
    public const int LockExclusive = 2;

    /// <summary><c>LOCK_NB</c>.</summary>
    public const int LockNonBlocking = 4;

    /// <summary><c>EPERM</c>.</summary>
    public const int NotPermitted = 1;

    /// <summary><c>ENOENT</c>.</summary>
    public const int NoEntry = 2;

    /// <summary><c>EINTR</c>.</summary>
    public const int Interrupted = 4;

    /// <summary><c>EAGAIN</c>/<c>EWOULDBLOCK</c>.</summary>
    public const int WouldBlock = 11;

    /// <summary><c>ENOTDIR</c>.</summary>
    public const int NotAFolder = 20;

    /// <summary><c>EACCES</c>.</summary>
    public const int AccessDenied = 13;

    /// <summary><c>EROFS</c>.</summary>
    public const int ReadOnlyFileSystem = 30;

    /// <summary><c>ELOOP</c>.</summary>
    public const int TooManyLinks = 40;

    /// <summary><c>POSIX_FADV_SEQUENTIAL</c>: the file is read from start to end (a larger read-ahead).</summary>
    public const int AdviseSequential = 2;

    /// <summary><c>int posix_fadvise(int fd, off_t offset, off_t len, int advice)</c>; returns the error number (0 on success).</summary>
    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    public static partial int Advise(int fd, long offset, long length, int advice);

    /// <summary><c>int open(const char *path, int flags, mode_t mode)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, uint mode);

    /// <summary><c>int openat(int dirfd, const char *path, int flags)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int folder, string path, int flags);

    /// <summary><c>int close(int fd)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary><c>int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int folder, string path, int flags, uint mask, ref byte buffer);

    /// <summary><c>int fcntl(int fd, int command, int argument)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary><c>int flock(int fd, int operation)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    /// <summary><c>int ftruncate(int fd, off_t length)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Truncate(int fd, long length);

    /// <summary><c>int rename(const char *from, const char *to)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);

    /// <summary><c>int fsync(int fd)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary><c>int syncfs(int fd)</c>: writes the whole file system holding <c>fd</c> to the disk; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    /// <summary><c>int statfs(const char *path, struct statfs *buf)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Statfs(string path, byte* buffer);

    /// <summary><c>int unlink(const char *path)</c>; -1 and errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    /// <summary>Whether the process runs where <c>O_DIRECTORY</c>/<c>O_NOFOLLOW</c> are 0x4000/0x8000 (Arm, arm64, powerpc) rather than asm-generic's.</summary>
    private static bool ArmOpenFlags => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 or Architecture.Ppc64le;
}
