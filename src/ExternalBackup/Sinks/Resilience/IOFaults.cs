namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// The one decision on <see cref="IOException"/>, for every sink: an I/O error is transient only when its code is a
/// network's passing failure, and permanent otherwise.
/// <para>
/// Why: on a local folder an I/O error is a state of the disk that repeating the write does not change. A full disk
/// (ENOSPC, ERROR_DISK_FULL), an exceeded quota (EDQUOT), a read-only file system (EROFS, ERROR_WRITE_PROTECT) or a
/// media error (EIO) fail the same way ten times over, so retrying them only hides the cause behind minutes of
/// backoff while the engine's backup is held open. A folder on a network share (SMB, NFS) or an object store's
/// connection fails for a moment when the link drops, the server fails over or the peer resets the connection, and
/// then the repeated call succeeds: those codes, and only those, are transient. An <see cref="IOException"/>
/// without a known code (a bare one, a file that is not found) is permanent; an <see cref="IOException"/> around a
/// socket error is judged by the socket error (<see cref="SinkFaults.Classify"/> looks at inner exceptions).
/// </para>
/// </summary>
internal static class IOFaults
{
    /// <summary>Win32 codes (inside HRESULT 0x8007xxxx) of a share's or a connection's passing failure.</summary>
    private static readonly HashSet<int> TransientWin32Codes =
    [
        32,   // ERROR_SHARING_VIOLATION: another process (a virus scanner, an indexer) has the file open for a moment
        33,   // ERROR_LOCK_VIOLATION
        53,   // ERROR_BAD_NETPATH: the server is not reachable for now
        54,   // ERROR_NETWORK_BUSY
        59,   // ERROR_UNEXP_NET_ERR
        64,   // ERROR_NETNAME_DELETED: the SMB session dropped (failover, reconnect)
        121,  // ERROR_SEM_TIMEOUT: the share timed out
        1231, // ERROR_NETWORK_UNREACHABLE
        1236, // ERROR_CONNECTION_ABORTED
    ];

    /// <summary>Linux errno values (the HResult of a .NET <see cref="IOException"/> on Linux) of a share's or a connection's passing failure.</summary>
    private static readonly HashSet<int> TransientLinuxErrnos =
    [
        11,  // EAGAIN: a CIFS mount reconnecting
        100, // ENETDOWN
        101, // ENETUNREACH
        103, // ECONNABORTED
        104, // ECONNRESET
        110, // ETIMEDOUT: a soft NFS or CIFS mount timed out
        112, // EHOSTDOWN: a CIFS server going away during failover
        113, // EHOSTUNREACH
    ];

    /// <summary>Whether <paramref name="exception"/>'s code is one of a network's passing failures (see the type's remarks).</summary>
    public static bool IsTransient(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var result = exception.HResult;
        if (((uint)result & 0xFFFF0000u) == 0x80070000u)
        {
            return TransientWin32Codes.Contains(result & 0xFFFF);
        }

        return OperatingSystem.IsLinux() && TransientLinuxErrnos.Contains(result);
    }
}
