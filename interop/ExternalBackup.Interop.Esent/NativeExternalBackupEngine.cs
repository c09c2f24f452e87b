using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent.Native;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// <see cref="IExternalBackupEngine"/> over the native external backup calls of one <see cref="EseInstance"/>. Every
/// error code becomes an <see cref="EseException"/> naming the call; <see cref="ReadFile"/> passes the caller's
/// buffer to the engine as is (no copy, no allocation), so the caller provides what the engine demands: an OS-page
/// aligned buffer whose length is a multiple of the database page size.
/// </summary>
public sealed class NativeExternalBackupEngine : IExternalBackupEngine
{
    private readonly EseInstance _instance;
    private readonly EseExports _exports;

    /// <summary>Wraps <paramref name="instance"/> (not owned: dispose it yourself).</summary>
    /// <param name="instance">An initialized instance.</param>
    /// <param name="description">For logs and manifests; default: the library name.</param>
    public NativeExternalBackupEngine(EseInstance instance, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        _instance = instance;
        _exports = instance.Exports;
        Description = description ?? instance.Library.Name;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string InstanceName => _instance.Name;

    /// <inheritdoc />
    public unsafe void BeginExternalBackup(BackupGrbits grbits)
    {
        _exports.Require(_exports.JetBeginExternalBackupInstance, "JetBeginExternalBackupInstance");
        var instance = _instance.Enter();
        try
        {
            EseCall.Check(_exports.JetBeginExternalBackupInstance(instance, (uint)grbits), "JetBeginExternalBackupInstance", $"grbit 0x{(uint)grbits:X}");
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetBeginExternalBackupInstance", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe IReadOnlyList<string> GetAttachInfo()
    {
        _exports.Require(_exports.JetGetAttachInfoInstanceW, "JetGetAttachInfoInstanceW");
        var instance = _instance.Enter();
        try
        {
            var f = _exports.JetGetAttachInfoInstanceW;
            return MultiString.Query("JetGetAttachInfoInstanceW", (buffer, cbMax, pcbActual) => f(instance, buffer, cbMax, pcbActual));
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetGetAttachInfoInstanceW", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe BackupFileHandle OpenFile(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        _exports.Require(_exports.JetOpenFileInstanceW, "JetOpenFileInstanceW");
        var instance = _instance.Enter();
        try
        {
            nint handle = 0;
            uint low = 0, high = 0;
            int err;
            fixed (char* sz = fileName)
            {
                err = _exports.JetOpenFileInstanceW(instance, sz, &handle, &low, &high);
            }

            EseCall.Check(err, "JetOpenFileInstanceW", fileName);
            return new BackupFileHandle(handle, (long)(((ulong)high << 32) | low));
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetOpenFileInstanceW", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe int ReadFile(BackupFileHandle file, Span<byte> buffer)
    {
        _exports.Require(_exports.JetReadFileInstance, "JetReadFileInstance");
        var instance = _instance.Enter();
        try
        {
            uint actual = 0;
            int err;
            fixed (byte* pv = buffer)
            {
                err = _exports.JetReadFileInstance(instance, file.Handle, pv, (uint)buffer.Length, &actual);
            }

            if (err < 0)
            {
                throw new EseException("JetReadFileInstance", (JetError)err, $"handle {file.Handle}, {buffer.Length}-byte buffer");
            }

            return checked((int)actual);
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetReadFileInstance", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe void CloseFile(BackupFileHandle file)
    {
        _exports.Require(_exports.JetCloseFileInstance, "JetCloseFileInstance");
        var instance = _instance.Enter();
        try
        {
            EseCall.Check(_exports.JetCloseFileInstance(instance, file.Handle), "JetCloseFileInstance", $"handle {file.Handle}");
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetCloseFileInstance", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe BackupLogInfo GetLogInfo()
    {
        _exports.Require(_exports.JetGetLogInfoInstance2W, "JetGetLogInfoInstance2W");
        var instance = _instance.Enter();
        try
        {
            var info = new NativeLogInfoW { CbSize = NativeLogInfoW.Size };
            var f = _exports.JetGetLogInfoInstance2W;
            var pInfo = &info;
            var files = MultiString.Query("JetGetLogInfoInstance2W", (buffer, cbMax, pcbActual) => f(instance, buffer, cbMax, pcbActual, pInfo));
            var baseName = new string(info.SzBaseName, 0, 4).TrimEnd('\0');
            return new BackupLogInfo(files, new JetLogInfo(info.UlGenLow, info.UlGenHigh, baseName));
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetGetLogInfoInstance2W", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe IReadOnlyList<string> GetTruncateLogInfo()
    {
        _exports.Require(_exports.JetGetTruncateLogInfoInstanceW, "JetGetTruncateLogInfoInstanceW");
        var instance = _instance.Enter();
        try
        {
            var f = _exports.JetGetTruncateLogInfoInstanceW;
            return MultiString.Query("JetGetTruncateLogInfoInstanceW", (buffer, cbMax, pcbActual) => f(instance, buffer, cbMax, pcbActual));
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetGetTruncateLogInfoInstanceW", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <summary><c>JetGetLogInfoInstanceW</c>: the log list without <c>JET_LOGINFO_W</c> (for libraries without the 2W call).</summary>
    public unsafe IReadOnlyList<string> GetLogFiles()
    {
        _exports.Require(_exports.JetGetLogInfoInstanceW, "JetGetLogInfoInstanceW");
        var instance = _instance.Enter();
        try
        {
            var f = _exports.JetGetLogInfoInstanceW;
            return MultiString.Query("JetGetLogInfoInstanceW", (buffer, cbMax, pcbActual) => f(instance, buffer, cbMax, pcbActual));
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetGetLogInfoInstanceW", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe void TruncateLog()
    {
        _exports.Require(_exports.JetTruncateLogInstance, "JetTruncateLogInstance");
        var instance = _instance.Enter();
        try
        {
            EseCall.Check(_exports.JetTruncateLogInstance(instance), "JetTruncateLogInstance");
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetTruncateLogInstance", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe void EndExternalBackup(EndBackupGrbits grbits)
    {
        _exports.Require(_exports.JetEndExternalBackupInstance2, "JetEndExternalBackupInstance2");
        var instance = _instance.Enter();
        try
        {
            EseCall.Check(_exports.JetEndExternalBackupInstance2(instance, (uint)grbits), "JetEndExternalBackupInstance2", $"grbit 0x{(uint)grbits:X}");
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetEndExternalBackupInstance2", e);
        }
        finally
        {
            _instance.Exit();
        }
    }

    /// <inheritdoc />
    public unsafe void StopBackup()
    {
        _exports.Require(_exports.JetStopBackupInstance, "JetStopBackupInstance");
        var instance = _instance.Enter();
        try
        {
            EseCall.Check(_exports.JetStopBackupInstance(instance), "JetStopBackupInstance");
        }
        catch (SEHException e)
        {
            throw _exports.CannotCall("JetStopBackupInstance", e);
        }
        finally
        {
            _instance.Exit();
        }
    }
}
