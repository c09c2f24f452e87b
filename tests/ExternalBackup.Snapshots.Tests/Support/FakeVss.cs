using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ExternalBackup.Interop.Vss;
using ExternalBackup.Interop.Vss.Native;

namespace ExternalBackup.Snapshots.Tests.Support;

/// <summary>
/// Fake VSS objects laid out like C++/COM objects (a pointer to a table of function pointers), so the binding's raw
/// vtable calls and its typed layer run on any OS. Each implemented slot records its call with the argument values it
/// received (byte flags as numbers, GUIDs, strings); every other slot records "unexpected". One test at a time.
/// </summary>
internal static unsafe class FakeVss
{
    public static readonly Guid Instance = Guid.Parse("7A6F0000-1111-2222-3333-444455556666");
    public static readonly Guid SnapshotId = Guid.Parse("5A000000-0000-0000-0000-000000000001");
    public const string DeviceObject = @"\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy7";

    private static readonly List<IntPtr> Allocations = [];
    private static readonly Dictionary<IntPtr, string> Names = [];
    private static IntPtr _async, _metadata, _component, _dbDesc, _logDesc;
    private static string _operation = "";

    public static List<string> Log { get; } = [];

    /// <summary>The writer state GetWriterStatus reports (1 = stable).</summary>
    public static int WriterState { get; set; } = 1;

    /// <summary>The async operation whose QueryStatus reports <see cref="AsyncFailure"/>.</summary>
    public static string? FailingOperation { get; set; }

    public static int AsyncFailure { get; set; }

    public static IntPtr Create()
    {
        Log.Clear();
        WriterState = 1;
        FailingOperation = null;
        var backup = Make("backup", 51, slot => slot switch
        {
            VssSlots.BackupComponents.InitializeForBackup => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int>)&InitializeForBackup,
            VssSlots.BackupComponents.SetBackupState => (IntPtr)(delegate* unmanaged<IntPtr, byte, byte, int, byte, int>)&SetBackupState,
            VssSlots.BackupComponents.GatherWriterMetadata => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&GatherWriterMetadata,
            VssSlots.BackupComponents.GetWriterMetadataCount => (IntPtr)(delegate* unmanaged<IntPtr, uint*, int>)&CountOne,
            VssSlots.BackupComponents.GetWriterMetadata => (IntPtr)(delegate* unmanaged<IntPtr, uint, Guid*, IntPtr*, int>)&GetWriterMetadata,
            VssSlots.BackupComponents.AddComponent => (IntPtr)(delegate* unmanaged<IntPtr, Guid, Guid, int, char*, char*, int>)&AddComponent,
            VssSlots.BackupComponents.PrepareForBackup => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&PrepareForBackup,
            VssSlots.BackupComponents.AbortBackup => (IntPtr)(delegate* unmanaged<IntPtr, int>)&AbortBackup,
            VssSlots.BackupComponents.GatherWriterStatus => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&GatherWriterStatus,
            VssSlots.BackupComponents.GetWriterStatusCount => (IntPtr)(delegate* unmanaged<IntPtr, uint*, int>)&CountOne,
            VssSlots.BackupComponents.FreeWriterStatus => (IntPtr)(delegate* unmanaged<IntPtr, int>)&FreeWriterStatus,
            VssSlots.BackupComponents.GetWriterStatus => (IntPtr)(delegate* unmanaged<IntPtr, uint, Guid*, Guid*, IntPtr*, int*, int*, int>)&GetWriterStatus,
            VssSlots.BackupComponents.SetBackupSucceeded => (IntPtr)(delegate* unmanaged<IntPtr, Guid, Guid, int, char*, char*, byte, int>)&SetBackupSucceeded,
            VssSlots.BackupComponents.SaveAsXml => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&SaveAsXml,
            VssSlots.BackupComponents.BackupComplete => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&BackupComplete,
            VssSlots.BackupComponents.SetContext => (IntPtr)(delegate* unmanaged<IntPtr, int, int>)&SetContext,
            VssSlots.BackupComponents.StartSnapshotSet => (IntPtr)(delegate* unmanaged<IntPtr, Guid*, int>)&StartSnapshotSet,
            VssSlots.BackupComponents.AddToSnapshotSet => (IntPtr)(delegate* unmanaged<IntPtr, char*, Guid, Guid*, int>)&AddToSnapshotSet,
            VssSlots.BackupComponents.DoSnapshotSet => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&DoSnapshotSet,
            VssSlots.BackupComponents.GetSnapshotProperties => (IntPtr)(delegate* unmanaged<IntPtr, Guid, VssSnapshotProp*, int>)&GetSnapshotProperties,
            _ => IntPtr.Zero,
        });
        _async = Make("async", 6, slot => slot switch
        {
            VssSlots.Async.Cancel => (IntPtr)(delegate* unmanaged<IntPtr, int>)&Cancel,
            VssSlots.Async.Wait => (IntPtr)(delegate* unmanaged<IntPtr, uint, int>)&Wait,
            VssSlots.Async.QueryStatus => (IntPtr)(delegate* unmanaged<IntPtr, int*, int*, int>)&QueryStatus,
            _ => IntPtr.Zero,
        });
        _metadata = Make("metadata", 14, slot => slot switch
        {
            VssSlots.ExamineWriterMetadata.GetIdentity => (IntPtr)(delegate* unmanaged<IntPtr, Guid*, Guid*, IntPtr*, int*, int*, int>)&GetIdentity,
            VssSlots.ExamineWriterMetadata.GetFileCounts => (IntPtr)(delegate* unmanaged<IntPtr, uint*, uint*, uint*, int>)&GetFileCounts,
            VssSlots.ExamineWriterMetadata.GetComponent => (IntPtr)(delegate* unmanaged<IntPtr, uint, IntPtr*, int>)&GetComponent,
            VssSlots.ExamineWriterMetadata.SaveAsXml => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&WriterSaveAsXml,
            _ => IntPtr.Zero,
        });
        _component = Make("component", 9, slot => slot switch
        {
            VssSlots.WMComponent.GetComponentInfo => (IntPtr)(delegate* unmanaged<IntPtr, VssComponentInfo**, int>)&GetComponentInfo,
            VssSlots.WMComponent.FreeComponentInfo => (IntPtr)(delegate* unmanaged<IntPtr, VssComponentInfo*, int>)&FreeComponentInfo,
            VssSlots.WMComponent.GetDatabaseFile => (IntPtr)(delegate* unmanaged<IntPtr, uint, IntPtr*, int>)&GetDatabaseFile,
            VssSlots.WMComponent.GetDatabaseLogFile => (IntPtr)(delegate* unmanaged<IntPtr, uint, IntPtr*, int>)&GetDatabaseLogFile,
            _ => IntPtr.Zero,
        });
        Func<int, IntPtr> filedesc = slot => slot switch
        {
            VssSlots.WMFiledesc.GetPath => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&GetPath,
            VssSlots.WMFiledesc.GetFilespec => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&GetFilespec,
            VssSlots.WMFiledesc.GetRecursive => (IntPtr)(delegate* unmanaged<IntPtr, byte*, int>)&GetRecursive,
            VssSlots.WMFiledesc.GetAlternateLocation => (IntPtr)(delegate* unmanaged<IntPtr, IntPtr*, int>)&GetAlternateLocation,
            VssSlots.WMFiledesc.GetBackupTypeMask => (IntPtr)(delegate* unmanaged<IntPtr, uint*, int>)&GetBackupTypeMask,
            _ => IntPtr.Zero,
        };
        _dbDesc = Make("dbfile", 8, filedesc);
        _logDesc = Make("logfile", 8, filedesc);
        return backup;
    }

    public static void FreeAll()
    {
        foreach (var p in Allocations)
        {
            Marshal.FreeHGlobal(p);
        }

        Allocations.Clear();
        Names.Clear();
    }

    /// <summary>Frees the strings GetSnapshotProperties allocated (stands in for VssFreeSnapshotPropertiesInternal).</summary>
    public static void FreeProperties(ref VssSnapshotProp properties)
    {
        Log.Add("VssFreeSnapshotProperties");
        Marshal.FreeHGlobal(properties.SnapshotDeviceObject);
        properties.SnapshotDeviceObject = IntPtr.Zero;
    }

    private static IntPtr Make(string name, int slots, Func<int, IntPtr> slot)
    {
        var table = Marshal.AllocHGlobal(slots * IntPtr.Size);
        var obj = Marshal.AllocHGlobal(IntPtr.Size);
        Allocations.Add(table);
        Allocations.Add(obj);
        for (var i = 0; i < slots; i++)
        {
            var f = i == VssSlots.Release ? (IntPtr)(delegate* unmanaged<IntPtr, uint>)&Release : slot(i);
            ((IntPtr*)table)[i] = f != IntPtr.Zero ? f : (IntPtr)(delegate* unmanaged<IntPtr, int>)&Unexpected;
        }

        *(IntPtr*)obj = table;
        Names[obj] = name;
        return obj;
    }

    private static string Str(char* s) => s == null ? "null" : new string(s);

    private static int Async(IntPtr* result, string operation)
    {
        _operation = operation;
        Log.Add(operation);
        *result = _async;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static uint Release(IntPtr self)
    {
        Log.Add($"Release({Names[self]})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Unexpected(IntPtr self)
    {
        Log.Add($"unexpected slot of {Names[self]}");
        return unchecked((int)0x80004001);
    }

    [UnmanagedCallersOnly]
    private static int InitializeForBackup(IntPtr self, IntPtr xml)
    {
        Log.Add($"InitializeForBackup({(xml == IntPtr.Zero ? "null" : "xml")})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SetBackupState(IntPtr self, byte select, byte bootable, int type, byte partial)
    {
        Log.Add($"SetBackupState({select},{bootable},{type},{partial})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SetContext(IntPtr self, int context)
    {
        Log.Add($"SetContext({context})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GatherWriterMetadata(IntPtr self, IntPtr* async) => Async(async, "GatherWriterMetadata");

    [UnmanagedCallersOnly]
    private static int PrepareForBackup(IntPtr self, IntPtr* async) => Async(async, "PrepareForBackup");

    [UnmanagedCallersOnly]
    private static int DoSnapshotSet(IntPtr self, IntPtr* async) => Async(async, "DoSnapshotSet");

    [UnmanagedCallersOnly]
    private static int BackupComplete(IntPtr self, IntPtr* async) => Async(async, "BackupComplete");

    [UnmanagedCallersOnly]
    private static int GatherWriterStatus(IntPtr self, IntPtr* async) => Async(async, "GatherWriterStatus");

    [UnmanagedCallersOnly]
    private static int CountOne(IntPtr self, uint* count)
    {
        *count = 1;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetWriterMetadata(IntPtr self, uint index, Guid* instance, IntPtr* metadata)
    {
        Log.Add($"GetWriterMetadata({index})");
        *instance = Instance;
        *metadata = _metadata;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int AddComponent(IntPtr self, Guid instance, Guid writer, int type, char* logicalPath, char* name)
    {
        Log.Add($"AddComponent({instance},{writer},{type},{Str(logicalPath)},{Str(name)})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int AbortBackup(IntPtr self)
    {
        Log.Add("AbortBackup");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int FreeWriterStatus(IntPtr self)
    {
        Log.Add("FreeWriterStatus");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetWriterStatus(IntPtr self, uint index, Guid* instance, Guid* writer, IntPtr* name, int* state, int* failure)
    {
        *instance = Instance;
        *writer = EseWriters.Ntds;
        *name = Marshal.StringToBSTR("NTDS");
        *state = WriterState;
        *failure = WriterState == 1 ? 0 : unchecked((int)0x800423F3);
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SetBackupSucceeded(IntPtr self, Guid instance, Guid writer, int type, char* logicalPath, char* name, byte succeeded)
    {
        Log.Add($"SetBackupSucceeded({instance},{writer},{type},{Str(logicalPath)},{Str(name)},{succeeded})");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SaveAsXml(IntPtr self, IntPtr* xml)
    {
        Log.Add("SaveAsXML");
        *xml = Marshal.StringToBSTR("<BACKUP_COMPONENTS/>");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int StartSnapshotSet(IntPtr self, Guid* set)
    {
        Log.Add("StartSnapshotSet");
        *set = Guid.NewGuid();
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int AddToSnapshotSet(IntPtr self, char* volume, Guid provider, Guid* snapshot)
    {
        Log.Add($"AddToSnapshotSet({Str(volume)},{provider})");
        *snapshot = SnapshotId;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetSnapshotProperties(IntPtr self, Guid snapshot, VssSnapshotProp* properties)
    {
        Log.Add($"GetSnapshotProperties({snapshot})");
        *properties = default;
        properties->SnapshotId = snapshot;
        properties->SnapshotDeviceObject = Marshal.StringToHGlobalUni(DeviceObject);
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Cancel(IntPtr self)
    {
        Log.Add("Cancel");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Wait(IntPtr self, uint milliseconds) => 0;

    [UnmanagedCallersOnly]
    private static int QueryStatus(IntPtr self, int* result, int* reserved)
    {
        *result = _operation == FailingOperation ? AsyncFailure : VssConstants.AsyncFinished;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetIdentity(IntPtr self, Guid* instance, Guid* writer, IntPtr* name, int* usage, int* source)
    {
        *instance = Instance;
        *writer = EseWriters.Ntds;
        *name = Marshal.StringToBSTR("NTDS");
        *usage = 0;
        *source = 0;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetFileCounts(IntPtr self, uint* includes, uint* excludes, uint* components)
    {
        *includes = 0;
        *excludes = 0;
        *components = 1;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int WriterSaveAsXml(IntPtr self, IntPtr* xml)
    {
        Log.Add("WriterMetadata.SaveAsXML");
        *xml = Marshal.StringToBSTR("<WRITER_METADATA/>");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetComponent(IntPtr self, uint index, IntPtr* component)
    {
        *component = _component;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetComponentInfo(IntPtr self, VssComponentInfo** info)
    {
        var p = (VssComponentInfo*)Marshal.AllocHGlobal(sizeof(VssComponentInfo));
        *p = default;
        p->Type = 1;
        p->LogicalPath = Marshal.StringToBSTR("C:_Windows_NTDS");
        p->ComponentName = Marshal.StringToBSTR("ntds");
        p->Selectable = 0;
        p->DatabaseCount = 1;
        p->LogFileCount = 1;
        *info = p;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int FreeComponentInfo(IntPtr self, VssComponentInfo* info)
    {
        Log.Add("FreeComponentInfo");
        Marshal.FreeBSTR(info->LogicalPath);
        Marshal.FreeBSTR(info->ComponentName);
        Marshal.FreeHGlobal((IntPtr)info);
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetDatabaseFile(IntPtr self, uint index, IntPtr* desc)
    {
        *desc = _dbDesc;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetDatabaseLogFile(IntPtr self, uint index, IntPtr* desc)
    {
        *desc = _logDesc;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetPath(IntPtr self, IntPtr* path)
    {
        *path = Marshal.StringToBSTR(@"C:\Windows\NTDS\");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetFilespec(IntPtr self, IntPtr* spec)
    {
        *spec = Marshal.StringToBSTR(self == _dbDesc ? "ntds.dit" : "edb*.log");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetRecursive(IntPtr self, byte* recursive)
    {
        *recursive = 0;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetAlternateLocation(IntPtr self, IntPtr* location)
    {
        *location = IntPtr.Zero;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int GetBackupTypeMask(IntPtr self, uint* mask)
    {
        *mask = 3855;
        return 0;
    }
}
