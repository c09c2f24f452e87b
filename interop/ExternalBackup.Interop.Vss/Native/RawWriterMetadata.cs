namespace ExternalBackup.Interop.Vss.Native;

/// <summary>IVssExamineWriterMetadata, IVssWMComponent and IVssWMFiledesc through their vtables (the last two have no IID).</summary>
internal static unsafe class RawWriterMetadata
{
    public static int GetIdentity(IntPtr self, out Guid instanceId, out Guid writerId, out IntPtr bstrWriterName)
    {
        Guid i, w;
        IntPtr n;
        int usage, source;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, Guid*, Guid*, IntPtr*, int*, int*, int>)Vtable.Slot(self, VssSlots.ExamineWriterMetadata.GetIdentity))(self, &i, &w, &n, &usage, &source);
        (instanceId, writerId, bstrWriterName) = (i, w, n);
        return hr;
    }

    public static int GetFileCounts(IntPtr self, out uint excludes, out uint components)
    {
        uint includes, e, c;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint*, uint*, uint*, int>)Vtable.Slot(self, VssSlots.ExamineWriterMetadata.GetFileCounts))(self, &includes, &e, &c);
        (excludes, components) = (e, c);
        return hr;
    }

    public static int GetExcludeFile(IntPtr self, uint index, out IntPtr filedesc) => GetIndexed(self, VssSlots.ExamineWriterMetadata.GetExcludeFile, index, out filedesc);

    public static int GetComponent(IntPtr self, uint index, out IntPtr component) => GetIndexed(self, VssSlots.ExamineWriterMetadata.GetComponent, index, out component);

    /// <summary>IVssExamineWriterMetadata::SaveAsXML (the caller frees the BSTR).</summary>
    public static int SaveAsXml(IntPtr self, out IntPtr bstrXml) => GetString(self, VssSlots.ExamineWriterMetadata.SaveAsXml, out bstrXml);

    public static int GetComponentInfo(IntPtr component, out VssComponentInfo* info)
    {
        VssComponentInfo* p;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, VssComponentInfo**, int>)Vtable.Slot(component, VssSlots.WMComponent.GetComponentInfo))(component, &p);
        info = p;
        return hr;
    }

    public static int FreeComponentInfo(IntPtr component, VssComponentInfo* info) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, VssComponentInfo*, int>)Vtable.Slot(component, VssSlots.WMComponent.FreeComponentInfo))(component, info);

    /// <summary>GetFile, GetDatabaseFile or GetDatabaseLogFile (slot from <see cref="VssSlots.WMComponent"/>).</summary>
    public static int GetFiledesc(IntPtr component, int slot, uint index, out IntPtr filedesc) => GetIndexed(component, slot, index, out filedesc);

    public static int GetString(IntPtr filedesc, int slot, out IntPtr bstr)
    {
        IntPtr b;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, IntPtr*, int>)Vtable.Slot(filedesc, slot))(filedesc, &b);
        bstr = b;
        return hr;
    }

    public static int GetRecursive(IntPtr filedesc, out bool recursive)
    {
        byte r;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, byte*, int>)Vtable.Slot(filedesc, VssSlots.WMFiledesc.GetRecursive))(filedesc, &r);
        recursive = r != 0;
        return hr;
    }

    public static int GetBackupTypeMask(IntPtr filedesc, out uint mask)
    {
        uint m;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint*, int>)Vtable.Slot(filedesc, VssSlots.WMFiledesc.GetBackupTypeMask))(filedesc, &m);
        mask = m;
        return hr;
    }

    private static int GetIndexed(IntPtr self, int slot, uint index, out IntPtr result)
    {
        IntPtr r;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint, IntPtr*, int>)Vtable.Slot(self, slot))(self, index, &r);
        result = r;
        return hr;
    }
}
