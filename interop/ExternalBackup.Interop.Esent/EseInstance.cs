using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent.Native;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// One ESE instance of an <see cref="EseLibrary"/>: parameters, <c>JetInit3W</c>, attached databases, and the
/// simple backup/restore calls. Disposing ends the session it opened and terminates the instance (<c>JetTerm2</c>),
/// unless the instance was adopted. Create with <see cref="EseLibrary.CreateInstance"/>, or adopt an application's
/// running instance with <see cref="EseLibrary.AdoptInstance"/>.
/// </summary>
public sealed class EseInstance : IDisposable
{
    private nint _session;

    internal EseInstance(EseLibrary library, SafeEseInstanceHandle handle, string name)
    {
        Library = library;
        Handle = handle;
        Name = name;
    }

    /// <summary>The library this instance lives in.</summary>
    public EseLibrary Library { get; }

    /// <summary>The instance handle; releasing it calls <c>JetTerm2</c> (not for an adopted instance).</summary>
    public SafeEseInstanceHandle Handle { get; }

    /// <summary>The instance name given to <c>JetCreateInstance2W</c>.</summary>
    public string Name { get; }

    internal EseExports Exports => Library.Exports;

    /// <summary><c>JetSetSystemParameterW</c> on this instance.</summary>
    public unsafe void SetParameter(EseSystemParameter parameter, nint value, string? text = null)
    {
        Exports.Require(Exports.JetSetSystemParameterW, nameof(EseExports.JetSetSystemParameterW));
        var instance = Enter();
        try
        {
            int err;
            fixed (char* sz = text)
            {
                err = Exports.JetSetSystemParameterW(&instance, 0, (uint)parameter, value, sz);
            }

            EseCall.Check(err, "JetSetSystemParameterW", $"parameter {parameter} ({(uint)parameter}) = {text ?? value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetSetSystemParameterW", e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>JetInit3W(&amp;instance, NULL, 0)</c>: starts the instance (soft recovery of its logs).</summary>
    public unsafe void Init()
    {
        Exports.Require(Exports.JetInit3W, nameof(EseExports.JetInit3W));
        var instance = Enter();
        try
        {
            EseCall.Check(Exports.JetInit3W(&instance, null, 0), "JetInit3W", $"instance '{Name}'");
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetInit3W", e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// <c>JetAttachDatabaseW</c> in a session this instance opens on first use (<c>JetBeginSessionW</c>) and ends when
    /// disposed.
    /// </summary>
    public unsafe void AttachDatabase(string path, uint grbit = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Exports.Require(Exports.JetAttachDatabaseW, nameof(EseExports.JetAttachDatabaseW));
        Exports.Require(Exports.JetBeginSessionW, nameof(EseExports.JetBeginSessionW));
        var instance = Enter();
        var call = "JetBeginSessionW";
        try
        {
            if (_session == 0)
            {
                nint session = 0;
                EseCall.Check(Exports.JetBeginSessionW(instance, &session, null, null), "JetBeginSessionW", $"instance '{Name}'");
                _session = session;
            }

            int err;
            call = "JetAttachDatabaseW";
            fixed (char* sz = path)
            {
                err = Exports.JetAttachDatabaseW(_session, sz, grbit);
            }

            EseCall.Check(err, "JetAttachDatabaseW", path);
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall(call, e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>JetBackupInstanceW</c>: the engine's own backup into a folder, with an optional status callback.</summary>
    public unsafe void Backup(string path, BackupGrbits grbits, JetStatusCallback? statusCallback = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Exports.Require(Exports.JetBackupInstanceW, nameof(EseExports.JetBackupInstanceW));
        var thunk = statusCallback is null ? null : new StatusCallbackThunk(statusCallback);
        var instance = Enter();
        try
        {
            int err;
            fixed (char* sz = path)
            {
                err = Exports.JetBackupInstanceW(instance, sz, (uint)grbits, thunk?.Pointer ?? 0);
            }

            thunk?.Complete();
            EseCall.Check(err, "JetBackupInstanceW", path);
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetBackupInstanceW", e);
        }
        finally
        {
            Exit();
            GC.KeepAlive(thunk);
        }
    }

    /// <summary><c>JetRestoreInstanceW</c>: restores a <c>JetBackupInstanceW</c> backup; the instance must not be initialized.</summary>
    public unsafe void Restore(string source, string? destination, JetStatusCallback? statusCallback = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Exports.Require(Exports.JetRestoreInstanceW, nameof(EseExports.JetRestoreInstanceW));
        var thunk = statusCallback is null ? null : new StatusCallbackThunk(statusCallback);
        var instance = Enter();
        try
        {
            int err;
            fixed (char* sz = source)
            fixed (char* szDest = destination)
            {
                err = Exports.JetRestoreInstanceW(instance, sz, szDest, thunk?.Pointer ?? 0);
            }

            thunk?.Complete();
            EseCall.Check(err, "JetRestoreInstanceW", source);
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetRestoreInstanceW", e);
        }
        finally
        {
            Exit();
            GC.KeepAlive(thunk);
        }
    }

    /// <summary>The external backup API of this instance as the engine boundary the pipeline runs over.</summary>
    public IExternalBackupEngine CreateExternalBackupEngine(string? description = null) => new NativeExternalBackupEngine(this, description);

    /// <summary>Ends the session (if any) and terminates the instance with <c>JetTerm2</c>.</summary>
    public unsafe void Dispose()
    {
        if (Handle.IsClosed)
        {
            return;
        }

        if (_session != 0 && Exports.JetEndSession != null)
        {
            try
            {
                _ = Exports.JetEndSession(_session, 0);
            }
            catch (SEHException)
            {
                // An export that cannot be called was reported by the call that failed; ending still terminates.
            }

            _session = 0;
        }

        Handle.Dispose();
    }

    /// <summary>Pins the handle for one native call and returns its value.</summary>
    internal nint Enter()
    {
        var added = false;
        Handle.DangerousAddRef(ref added);
        return Handle.DangerousGetHandle();
    }

    internal void Exit() => Handle.DangerousRelease();
}
