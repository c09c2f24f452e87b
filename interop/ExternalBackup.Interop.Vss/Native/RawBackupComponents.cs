using S = ExternalBackup.Interop.Vss.Native.VssSlots.BackupComponents;

namespace ExternalBackup.Interop.Vss.Native;

/// <summary>
/// IVssBackupComponents through its vtable: one method per slot used, exact parameter widths
/// (C++ <c>bool</c> = <see cref="byte"/>, Win32 <c>BOOL</c> = <see cref="int"/>, VSS_ID by value = <see cref="Guid"/>).
/// Every method returns the raw HRESULT; the typed layer checks it.
/// </summary>
internal static unsafe class RawBackupComponents
{
    public static int InitializeForBackup(IntPtr self, IntPtr bstrXml) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, IntPtr, int>)Vtable.Slot(self, S.InitializeForBackup))(self, bstrXml);

    public static int SetBackupState(IntPtr self, byte selectComponents, byte bootableSystemState, int backupType, byte partialFileSupport) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, byte, byte, int, byte, int>)Vtable.Slot(self, S.SetBackupState))(self, selectComponents, bootableSystemState, backupType, partialFileSupport);

    public static int GatherWriterMetadata(IntPtr self, out IntPtr async)
    {
        IntPtr a;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, IntPtr*, int>)Vtable.Slot(self, S.GatherWriterMetadata))(self, &a);
        async = a;
        return hr;
    }

    public static int GetWriterMetadataCount(IntPtr self, out uint count)
    {
        uint c;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint*, int>)Vtable.Slot(self, S.GetWriterMetadataCount))(self, &c);
        count = c;
        return hr;
    }

    public static int GetWriterMetadata(IntPtr self, uint index, out Guid instanceId, out IntPtr metadata)
    {
        Guid id;
        IntPtr m;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint, Guid*, IntPtr*, int>)Vtable.Slot(self, S.GetWriterMetadata))(self, index, &id, &m);
        instanceId = id;
        metadata = m;
        return hr;
    }

    public static int FreeWriterMetadata(IntPtr self) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, int>)Vtable.Slot(self, S.FreeWriterMetadata))(self);

    public static int AddComponent(IntPtr self, Guid instanceId, Guid writerId, int componentType, char* logicalPath, char* componentName) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, Guid, Guid, int, char*, char*, int>)Vtable.Slot(self, S.AddComponent))(self, instanceId, writerId, componentType, logicalPath, componentName);

    public static int PrepareForBackup(IntPtr self, out IntPtr async) => AsyncCall(self, S.PrepareForBackup, out async);

    public static int AbortBackup(IntPtr self) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, int>)Vtable.Slot(self, S.AbortBackup))(self);

    public static int GatherWriterStatus(IntPtr self, out IntPtr async) => AsyncCall(self, S.GatherWriterStatus, out async);

    public static int GetWriterStatusCount(IntPtr self, out uint count)
    {
        uint c;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint*, int>)Vtable.Slot(self, S.GetWriterStatusCount))(self, &c);
        count = c;
        return hr;
    }

    public static int FreeWriterStatus(IntPtr self) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, int>)Vtable.Slot(self, S.FreeWriterStatus))(self);

    public static int GetWriterStatus(IntPtr self, uint index, out Guid instanceId, out Guid writerId, out IntPtr bstrWriterName, out int state, out int failure)
    {
        Guid i, w;
        IntPtr n;
        int s, f;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, uint, Guid*, Guid*, IntPtr*, int*, int*, int>)Vtable.Slot(self, S.GetWriterStatus))(self, index, &i, &w, &n, &s, &f);
        (instanceId, writerId, bstrWriterName, state, failure) = (i, w, n, s, f);
        return hr;
    }

    public static int SetBackupSucceeded(IntPtr self, Guid instanceId, Guid writerId, int componentType, char* logicalPath, char* componentName, byte succeeded) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, Guid, Guid, int, char*, char*, byte, int>)Vtable.Slot(self, S.SetBackupSucceeded))(self, instanceId, writerId, componentType, logicalPath, componentName, succeeded);

    public static int SaveAsXml(IntPtr self, out IntPtr bstrXml)
    {
        IntPtr b;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, IntPtr*, int>)Vtable.Slot(self, S.SaveAsXml))(self, &b);
        bstrXml = b;
        return hr;
    }

    public static int BackupComplete(IntPtr self, out IntPtr async) => AsyncCall(self, S.BackupComplete, out async);

    public static int SetContext(IntPtr self, int context) =>
        ((delegate* unmanaged[Stdcall]<IntPtr, int, int>)Vtable.Slot(self, S.SetContext))(self, context);

    public static int StartSnapshotSet(IntPtr self, out Guid snapshotSetId)
    {
        Guid id;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, Guid*, int>)Vtable.Slot(self, S.StartSnapshotSet))(self, &id);
        snapshotSetId = id;
        return hr;
    }

    public static int AddToSnapshotSet(IntPtr self, char* volumeName, Guid providerId, out Guid snapshotId)
    {
        Guid id;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, char*, Guid, Guid*, int>)Vtable.Slot(self, S.AddToSnapshotSet))(self, volumeName, providerId, &id);
        snapshotId = id;
        return hr;
    }

    public static int DoSnapshotSet(IntPtr self, out IntPtr async) => AsyncCall(self, S.DoSnapshotSet, out async);

    public static int GetSnapshotProperties(IntPtr self, Guid snapshotId, out VssSnapshotProp properties)
    {
        VssSnapshotProp p;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, Guid, VssSnapshotProp*, int>)Vtable.Slot(self, S.GetSnapshotProperties))(self, snapshotId, &p);
        properties = p;
        return hr;
    }

    private static int AsyncCall(IntPtr self, int slot, out IntPtr async)
    {
        IntPtr a;
        var hr = ((delegate* unmanaged[Stdcall]<IntPtr, IntPtr*, int>)Vtable.Slot(self, slot))(self, &a);
        async = a;
        return hr;
    }
}
