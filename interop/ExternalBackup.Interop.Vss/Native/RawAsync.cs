namespace ExternalBackup.Interop.Vss.Native;

/// <summary>IVssAsync through its vtable (slots 3 Cancel, 4 Wait, 5 QueryStatus).</summary>
internal static unsafe class RawAsync
{
    public static int Cancel(IntPtr self) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, int>)Vtable.Slot(self, VssSlots.Async.Cancel))(self);

    public static int Wait(IntPtr self, uint milliseconds) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, uint, int>)Vtable.Slot(self, VssSlots.Async.Wait))(self, milliseconds);

    public static int QueryStatus(IntPtr self, out int result)
    {
        int r;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, int*, int*, int>)Vtable.Slot(self, VssSlots.Async.QueryStatus))(self, &r, null);
        result = r;
        return hr;
    }
}
