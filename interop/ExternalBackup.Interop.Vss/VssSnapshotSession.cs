using System.Runtime.Versioning;
using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Manifest;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Interop.Vss;

/// <summary>One VSS backup: an <c>IVssBackupComponents</c> kept alive (so its snapshots live) until disposed.
/// VSS calls block, so each runs on a thread-pool (MTA) thread.</summary>
[SupportedOSPlatform("windows")]
internal sealed class VssSnapshotSession : ISnapshotSession
{
    private readonly VssBackupComponents _vss;
    private readonly VssProviderOptions _options;
    private readonly HashSet<Guid> _writers = [];
    private readonly List<Guid> _selectedWriters = [];
    private readonly Dictionary<string, Guid> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Guid, VssWriterMetadata> _writerMetadata = [];

    public VssSnapshotSession(VssBackupComponents vss, VssProviderOptions options)
    {
        _vss = vss;
        _options = options;
    }

    public ValueTask InitializeAsync(BackupKind kind, CancellationToken cancellationToken) =>
        Run(() => _vss.InitializeForBackup(VssBackupTypes.Of(kind)), cancellationToken);

    public async ValueTask<IReadOnlyList<SnapshotComponent>> GatherComponentsAsync(CancellationToken cancellationToken) =>
        await Task.Run(() =>
        {
            var writers = _vss.GatherWriterMetadata(cancellationToken);
            foreach (var writer in writers)
            {
                _writerMetadata[writer.InstanceId] = writer;
            }

            return EseWriterMapping.Map(writers.SelectMany(w => w.Components), _options.ExtraEseWriterIds);
        }, cancellationToken).ConfigureAwait(false);

    public ValueTask AddComponentAsync(SnapshotComponent component, CancellationToken cancellationToken) => Run(() =>
    {
        _vss.AddComponent(component);
        _writers.Add(component.WriterId);
        _selectedWriters.Add(component.InstanceId);
    }, cancellationToken);

    public string VolumeOf(string path)
    {
        var buffer = new char[32768];
        if (!VssApi.GetVolumePathNameW(path, buffer, buffer.Length))
        {
            throw new SnapshotException(SnapshotStep.AddToSnapshotSet, $"GetVolumePathName('{path}') failed", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        }

        var volume = new string(buffer, 0, Array.IndexOf(buffer, '\0'));
        return volume.EndsWith('\\') ? volume : volume + "\\";
    }

    public ValueTask StartSnapshotSetAsync(CancellationToken cancellationToken) => Run(_vss.StartSnapshotSet, cancellationToken);

    public ValueTask AddVolumeAsync(string volume, CancellationToken cancellationToken) =>
        Run(() => _snapshots[volume] = _vss.AddToSnapshotSet(volume), cancellationToken);

    public ValueTask PrepareForBackupAsync(CancellationToken cancellationToken) => Run(() =>
    {
        _vss.Run(SnapshotStep.PrepareForBackup, "PrepareForBackup", cancellationToken);
        _vss.CheckWriterStatus(SnapshotStep.PrepareForBackup, _writers, cancellationToken);
    }, cancellationToken);

    public ValueTask DoSnapshotSetAsync(CancellationToken cancellationToken) => Run(() =>
    {
        _vss.Run(SnapshotStep.DoSnapshotSet, "DoSnapshotSet", cancellationToken);
        _vss.CheckWriterStatus(SnapshotStep.DoSnapshotSet, _writers, cancellationToken);
    }, cancellationToken);

    /// <summary>
    /// The Backup Components Document (SaveAsXML now, after DoSnapshotSet: writers complete it in PostSnapshot) as
    /// <c>backup-components.xml</c>, and the metadata document of each selected component's writer as
    /// <c>writer-&lt;instance id&gt;.xml</c>; UTF-16LE with a byte order mark, the characters of the BSTR unchanged.
    /// </summary>
    public async ValueTask<IReadOnlyList<SnapshotDocument>> SaveDocumentsAsync(CancellationToken cancellationToken) =>
        await Task.Run<IReadOnlyList<SnapshotDocument>>(() =>
        {
            var documents = new List<SnapshotDocument> { new("backup-components.xml", "vss:IVssBackupComponents::SaveAsXML", Utf16(_vss.SaveAsXml())) };
            foreach (var instance in _selectedWriters.Distinct())
            {
                if (_writerMetadata.TryGetValue(instance, out var writer))
                {
                    documents.Add(new($"writer-{instance:D}.xml", $"vss:IVssExamineWriterMetadata::SaveAsXML {writer.WriterName} {writer.WriterId:D}", Utf16(writer.MetadataXml)));
                }
            }

            return documents;
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<string> GetSnapshotRootAsync(string volume, CancellationToken cancellationToken)
    {
        if (!_snapshots.TryGetValue(volume, out var id))
        {
            throw new SnapshotException(SnapshotStep.GetSnapshotPaths, $"volume '{volume}' is not in the snapshot set");
        }

        return await Task.Run(() => _vss.GetSnapshotDeviceObject(id), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask SetBackupSucceededAsync(SnapshotComponent component, bool succeeded, CancellationToken cancellationToken) =>
        Run(() => _vss.SetBackupSucceeded(component, succeeded), cancellationToken);

    public ValueTask BackupCompleteAsync(CancellationToken cancellationToken) => Run(() =>
    {
        _vss.Run(SnapshotStep.BackupComplete, "BackupComplete", cancellationToken);
        _vss.CheckWriterStatus(SnapshotStep.BackupComplete, _writers, cancellationToken);
    }, cancellationToken);

    public ValueTask AbortBackupAsync(CancellationToken cancellationToken) => Run(_vss.AbortBackup, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _vss.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] Utf16(string xml) => [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(xml)];

    private static async ValueTask Run(Action action, CancellationToken cancellationToken) =>
        await Task.Run(action, cancellationToken).ConfigureAwait(false);
}
