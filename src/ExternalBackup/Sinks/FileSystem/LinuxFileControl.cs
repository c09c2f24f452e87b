using System.Runtime.InteropServices;

namespace ExternalBackup.Sinks.FileSystem;

/// <summary>
/// Raw <c>fcntl(2)</c> declarations for Linux, kept apart from the typed code above them
/// (<see cref="StagedFile"/>). Values are the Linux ones for x86-64 and arm64 (asm-generic/fcntl.h).
/// </summary>
internal static partial class LinuxFileControl
{
    /// <summary><c>F_GETFL</c>: read the file status flags.</summary>
    public const int GetStatusFlags = 3;

    /// <summary><c>F_SETFL</c>: set the file status flags (only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME, O_NONBLOCK change).</summary>
    public const int SetStatusFlags = 4;

    /// <summary><c>O_DIRECT</c> on x86-64 (octal 040000).</summary>
    public const int DirectX64 = 0x4000;

    /// <summary><c>O_DIRECT</c> on arm64 (octal 0200000).</summary>
    public const int DirectArm64 = 0x10000;

    /// <summary><c>int fcntl(int fd, int cmd, int arg)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary>The <c>O_DIRECT</c> value of the running architecture, or 0 where it is not known.</summary>
    public static int Direct => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => DirectX64,
        Architecture.Arm64 => DirectArm64,
        _ => 0,
    };
}
