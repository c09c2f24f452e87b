using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Interop.Vss;

/// <summary>
/// The typed layer over one <c>IVssBackupComponents</c>: checks every HRESULT (throwing <see cref="SnapshotException"/>
/// with the step and the error's name), waits for <c>IVssAsync</c> operations with cancellation, frees every BSTR,
/// component info and snapshot property block, and releases every interface it obtains.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class VssBackupComponents : IDisposable
{
    private IntPtr _self;
    private readonly TimeSpan _poll;
    private readonly FreeSnapshotProperties _freeProperties;

    /// <summary>Frees a <see cref="VssSnapshotProp"/>'s strings (VssFreeSnapshotPropertiesInternal in production).</summary>
    internal delegate void FreeSnapshotProperties(ref VssSnapshotProp properties);

    public VssBackupComponents(TimeSpan poll)
    {
        _poll = poll;
        _freeProperties = VssApi.VssFreeSnapshotPropertiesInternal;
        Check(VssApi.CreateVssBackupComponentsInternal(out _self), SnapshotStep.OpenSession, "CreateVssBackupComponents");
    }

    /// <summary>Wraps an existing <c>IVssBackupComponents</c> pointer (taking over its reference); tests pass a fake vtable.</summary>
    internal VssBackupComponents(IntPtr self, TimeSpan poll, FreeSnapshotProperties freeProperties)
    {
        _self = self;
        _poll = poll;
        _freeProperties = freeProperties;
    }

    public void InitializeForBackup(int backupType)
    {
        Check(RawBackupComponents.InitializeForBackup(Self, IntPtr.Zero), SnapshotStep.Initialize, "InitializeForBackup");
        Check(RawBackupComponents.SetContext(Self, VssConstants.ContextBackup), SnapshotStep.Initialize, "SetContext");
        Check(RawBackupComponents.SetBackupState(Self, selectComponents: 1, bootableSystemState: 0, backupType, partialFileSupport: 0), SnapshotStep.Initialize, "SetBackupState");
    }

    /// <summary>GatherWriterMetadata, waited for, then every writer examined (identity, exclude files, components, metadata document).</summary>
    public List<VssWriterMetadata> GatherWriterMetadata(CancellationToken cancellationToken)
    {
        Check(RawBackupComponents.GatherWriterMetadata(Self, out var async), SnapshotStep.GatherWriterMetadata, "GatherWriterMetadata");
        Wait(async, SnapshotStep.GatherWriterMetadata, "GatherWriterMetadata", cancellationToken);
        Check(RawBackupComponents.GetWriterMetadataCount(Self, out var writers), SnapshotStep.GatherWriterMetadata, "GetWriterMetadataCount");
        var result = new List<VssWriterMetadata>();
        for (uint w = 0; w < writers; w++)
        {
            Check(RawBackupComponents.GetWriterMetadata(Self, w, out _, out var metadata), SnapshotStep.GatherWriterMetadata, "GetWriterMetadata");
            try
            {
                result.Add(ReadWriter(metadata));
            }
            finally
            {
                Vtable.Release(metadata);
            }
        }

        return result;
    }

    public void AddComponent(SnapshotComponent component)
    {
        fixed (char* logical = component.LogicalPath.Length == 0 ? null : component.LogicalPath)
        fixed (char* name = component.Name)
        {
            Check(RawBackupComponents.AddComponent(Self, component.InstanceId, component.WriterId, ComponentType(component), logical, name), SnapshotStep.AddComponents, $"AddComponent({component.Key})");
        }
    }

    public void StartSnapshotSet() => Check(RawBackupComponents.StartSnapshotSet(Self, out _), SnapshotStep.StartSnapshotSet, "StartSnapshotSet");

    public Guid AddToSnapshotSet(string volume)
    {
        fixed (char* v = volume)
        {
            Check(RawBackupComponents.AddToSnapshotSet(Self, v, Guid.Empty, out var snapshotId), SnapshotStep.AddToSnapshotSet, $"AddToSnapshotSet({volume})");
            return snapshotId;
        }
    }

    public void Run(SnapshotStep step, string call, CancellationToken cancellationToken)
    {
        IntPtr async;
        var hr = step switch
        {
            SnapshotStep.PrepareForBackup => RawBackupComponents.PrepareForBackup(Self, out async),
            SnapshotStep.DoSnapshotSet => RawBackupComponents.DoSnapshotSet(Self, out async),
            SnapshotStep.BackupComplete => RawBackupComponents.BackupComplete(Self, out async),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        Check(hr, step, call);
        Wait(async, step, call, cancellationToken);
    }

    /// <summary>GatherWriterStatus, then fails naming every failed writer among <paramref name="writers"/>.</summary>
    public void CheckWriterStatus(SnapshotStep step, IReadOnlyCollection<Guid> writers, CancellationToken cancellationToken)
    {
        Check(RawBackupComponents.GatherWriterStatus(Self, out var async), step, "GatherWriterStatus");
        Wait(async, step, "GatherWriterStatus", cancellationToken);
        var failures = new List<string>();
        try
        {
            Check(RawBackupComponents.GetWriterStatusCount(Self, out var count), step, "GetWriterStatusCount");
            for (uint i = 0; i < count; i++)
            {
                Check(RawBackupComponents.GetWriterStatus(Self, i, out _, out var writerId, out var name, out var state, out var failure), step, "GetWriterStatus");
                var writerName = TakeBstr(name);
                if (writers.Contains(writerId) && state is >= VssConstants.WriterStateFirstFailure and <= VssConstants.WriterStateLastFailure)
                {
                    failures.Add($"writer '{writerName}' is in state {state} ({VssErrorNames.Of(failure)})");
                }
            }
        }
        finally
        {
            RawBackupComponents.FreeWriterStatus(Self);
        }

        if (failures.Count > 0)
        {
            throw new SnapshotException(step, string.Join("; ", failures));
        }
    }

    public string GetSnapshotDeviceObject(Guid snapshotId)
    {
        Check(RawBackupComponents.GetSnapshotProperties(Self, snapshotId, out var properties), SnapshotStep.GetSnapshotPaths, "GetSnapshotProperties");
        try
        {
            return Marshal.PtrToStringUni(properties.SnapshotDeviceObject)
                ?? throw new SnapshotException(SnapshotStep.GetSnapshotPaths, $"snapshot {snapshotId} has no device object");
        }
        finally
        {
            _freeProperties(ref properties);
        }
    }

    public void SetBackupSucceeded(SnapshotComponent component, bool succeeded)
    {
        fixed (char* logical = component.LogicalPath.Length == 0 ? null : component.LogicalPath)
        fixed (char* name = component.Name)
        {
            Check(RawBackupComponents.SetBackupSucceeded(Self, component.InstanceId, component.WriterId, ComponentType(component), logical, name, succeeded ? (byte)1 : (byte)0), SnapshotStep.SetBackupSucceeded, $"SetBackupSucceeded({component.Key})");
        }
    }

    /// <summary>The Backup Components Document (SaveAsXML, after DoSnapshotSet).</summary>
    public string SaveAsXml()
    {
        Check(RawBackupComponents.SaveAsXml(Self, out var bstr), SnapshotStep.SaveDocuments, "SaveAsXML");
        return TakeBstr(bstr);
    }

    public void AbortBackup() => Check(RawBackupComponents.AbortBackup(Self), SnapshotStep.AbortBackup, "AbortBackup");

    /// <summary>Releases the object; VSS deletes the (non-persistent) snapshots of the set.</summary>
    public void Dispose()
    {
        var self = Interlocked.Exchange(ref _self, IntPtr.Zero);
        Vtable.Release(self);
    }

    private IntPtr Self => _self != IntPtr.Zero ? _self : throw new ObjectDisposedException(nameof(VssBackupComponents));

    private static int ComponentType(SnapshotComponent component) => component.IsDatabase ? VssConstants.ComponentTypeDatabase : VssConstants.ComponentTypeFileGroup;

    private void Wait(IntPtr async, SnapshotStep step, string call, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var hr = RawAsync.Wait(async, (uint)_poll.TotalMilliseconds);
                Check(hr, step, $"{call}: IVssAsync::Wait");
                Check(RawAsync.QueryStatus(async, out var status), step, $"{call}: IVssAsync::QueryStatus");
                if (status == VssConstants.AsyncFinished)
                {
                    return;
                }

                if (status == VssConstants.AsyncCancelled)
                {
                    throw new OperationCanceledException($"{call} was cancelled", cancellationToken);
                }

                if (status != VssConstants.AsyncPending)
                {
                    Check(status, step, call);
                    return;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    RawAsync.Cancel(async);
                    cancellationToken.ThrowIfCancellationRequested();
                }

            }
        }
        finally
        {
            Vtable.Release(async);
        }
    }

    private static VssWriterMetadata ReadWriter(IntPtr metadata)
    {
        Check(RawWriterMetadata.GetIdentity(metadata, out var instanceId, out var writerId, out var nameBstr), SnapshotStep.GatherWriterMetadata, "GetIdentity");
        var writerName = TakeBstr(nameBstr);
        Check(RawWriterMetadata.GetFileCounts(metadata, out var excludeCount, out var count), SnapshotStep.GatherWriterMetadata, $"GetFileCounts({writerName})");
        var excludes = new List<VssFileDescription>();
        for (uint i = 0; i < excludeCount; i++)
        {
            Check(RawWriterMetadata.GetExcludeFile(metadata, i, out var desc), SnapshotStep.GatherWriterMetadata, $"GetExcludeFile({writerName})");
            excludes.Add(ReadFiledesc(desc, SnapshotFileRole.Other));
        }

        Check(RawWriterMetadata.SaveAsXml(metadata, out var xml), SnapshotStep.GatherWriterMetadata, $"IVssExamineWriterMetadata::SaveAsXML({writerName})");
        var document = TakeBstr(xml);
        var result = new List<VssWriterComponent>();
        for (uint i = 0; i < count; i++)
        {
            Check(RawWriterMetadata.GetComponent(metadata, i, out var component), SnapshotStep.GatherWriterMetadata, $"GetComponent({writerName})");
            try
            {
                Check(RawWriterMetadata.GetComponentInfo(component, out var info), SnapshotStep.GatherWriterMetadata, $"GetComponentInfo({writerName})");
                try
                {
                    var files = new List<VssFileDescription>();
                    files.AddRange(ReadFiles(component, VssSlots.WMComponent.GetDatabaseFile, info->DatabaseCount, SnapshotFileRole.Database));
                    files.AddRange(ReadFiles(component, VssSlots.WMComponent.GetDatabaseLogFile, info->LogFileCount, SnapshotFileRole.Log));
                    files.AddRange(ReadFiles(component, VssSlots.WMComponent.GetFile, info->FileCount, SnapshotFileRole.Other));
                    result.Add(new VssWriterComponent(writerId, instanceId, writerName, info->Type,
                        ReadBstr(info->LogicalPath), ReadBstr(info->ComponentName),
                        info->Selectable != 0, files, excludes));
                }
                finally
                {
                    RawWriterMetadata.FreeComponentInfo(component, info);
                }
            }
            finally
            {
                Vtable.Release(component);
            }
        }

        return new VssWriterMetadata(writerId, instanceId, writerName, document, result);
    }

    private static List<VssFileDescription> ReadFiles(IntPtr component, int slot, uint count, SnapshotFileRole role)
    {
        var files = new List<VssFileDescription>();
        for (uint i = 0; i < count; i++)
        {
            Check(RawWriterMetadata.GetFiledesc(component, slot, i, out var desc), SnapshotStep.GatherWriterMetadata, "IVssWMComponent file");
            files.Add(ReadFiledesc(desc, role));
        }

        return files;
    }

    /// <summary>Reads one <c>IVssWMFiledesc</c> and releases it.</summary>
    private static VssFileDescription ReadFiledesc(IntPtr desc, SnapshotFileRole role)
    {
        try
        {
            Check(RawWriterMetadata.GetString(desc, VssSlots.WMFiledesc.GetPath, out var path), SnapshotStep.GatherWriterMetadata, "GetPath");
            var p = TakeBstr(path);
            Check(RawWriterMetadata.GetString(desc, VssSlots.WMFiledesc.GetFilespec, out var spec), SnapshotStep.GatherWriterMetadata, "GetFilespec");
            var s = TakeBstr(spec);
            Check(RawWriterMetadata.GetRecursive(desc, out var recursive), SnapshotStep.GatherWriterMetadata, "GetRecursive");
            Check(RawWriterMetadata.GetString(desc, VssSlots.WMFiledesc.GetAlternateLocation, out var alt), SnapshotStep.GatherWriterMetadata, "GetAlternateLocation");
            var a = TakeBstr(alt);
            Check(RawWriterMetadata.GetBackupTypeMask(desc, out var mask), SnapshotStep.GatherWriterMetadata, "GetBackupTypeMask");
            return new VssFileDescription(role, p, s, recursive, a.Length == 0 ? null : a, mask);
        }
        finally
        {
            Vtable.Release(desc);
        }
    }

    /// <summary>A BSTR the callee keeps (a component info's), or "" for NULL: a component without a logical path has a NULL one.</summary>
    private static string ReadBstr(IntPtr bstr) => bstr == IntPtr.Zero ? "" : Marshal.PtrToStringBSTR(bstr);

    private static string TakeBstr(IntPtr bstr)
    {
        if (bstr == IntPtr.Zero)
        {
            return "";
        }

        try
        {
            return Marshal.PtrToStringBSTR(bstr);
        }
        finally
        {
            Marshal.FreeBSTR(bstr);
        }
    }

    private static void Check(int hr, SnapshotStep step, string call)
    {
        if (hr < 0)
        {
            throw new SnapshotException(step, $"{call} returned {VssErrorNames.Of(hr)}", hr);
        }
    }
}
