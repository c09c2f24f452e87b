namespace ExternalBackup.Interop.Vss.Native;

/// <summary>Reads a function pointer out of a C++/COM object's vtable.</summary>
internal static unsafe class Vtable
{
    /// <summary>The function at <paramref name="slot"/> of <paramref name="self"/>'s (first) vtable.</summary>
    public static void* Slot(IntPtr self, int slot)
    {
        if (self == IntPtr.Zero)
        {
            throw new ArgumentNullException(nameof(self), "null interface pointer");
        }

        return (*(void***)self)[slot];
    }

    /// <summary>IUnknown::Release.</summary>
    public static uint Release(IntPtr self) =>
        self == IntPtr.Zero ? 0 : ((delegate* unmanaged[Stdcall]<IntPtr, uint>)Slot(self, VssSlots.Release))(self);
}
