using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent.Native;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// A <see cref="JetStatusCallback"/> as a <c>JET_PFNSTATUS</c> pointer. The delegate behind the pointer lives as long as
/// this object, which callers keep reachable until the native call returns (<see cref="Complete"/>). An exception
/// thrown by the callback is caught (native frames cannot unwind it), reported to the engine as
/// <c>JET_errCallbackFailed</c> like ManagedEsent's StatusCallbackWrapper, and rethrown by <see cref="Complete"/>.
/// </summary>
internal sealed class StatusCallbackThunk
{
    private readonly JetStatusCallback _callback;
    private readonly NativeStatusCallback _native;
    private Exception? _exception;

    public StatusCallbackThunk(JetStatusCallback callback)
    {
        _callback = callback;
        _native = Invoke;
        Pointer = Marshal.GetFunctionPointerForDelegate(_native);
    }

    /// <summary>The function pointer to pass as <c>pfnStatus</c>.</summary>
    public nint Pointer { get; }

    /// <summary>Call after the native call returned: keeps the delegate alive until here and rethrows a callback exception.</summary>
    public void Complete()
    {
        GC.KeepAlive(_native);
        var e = Interlocked.Exchange(ref _exception, null);
        if (e is not null)
        {
            ExceptionDispatchInfo.Throw(e);
        }
    }

    private unsafe int Invoke(nint sesid, uint snp, uint snt, nint pv)
    {
        try
        {
            var progress = pv == 0 ? default : new JetSnProg(((NativeSnProg*)pv)->CunitDone, ((NativeSnProg*)pv)->CunitTotal);
            return (int)_callback((JetSnp)snp, (JetSnt)snt, progress);
        }
#pragma warning disable CA1031 // every exception must stop here: it cannot cross the native frames
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _exception, e, null);
            return (int)JetError.CallbackFailed;
        }
    }
}
