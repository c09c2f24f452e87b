using ExternalBackup.Engine;

namespace ExternalBackup.Tests.Pipeline;

/// <summary>
/// An engine that serves in-memory files and can misbehave in ways the real engine should not (wrong sizes,
/// hostile names, bad generations), to test what the pipeline does with bad input. Rules of the real engine are
/// in the engine model; this only records calls and serves bytes.
/// </summary>
internal sealed class ScriptedEngine : IExternalBackupEngine
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _announced = new(StringComparer.Ordinal);
    private string? _open;
    private long _offset;

    public List<string> Calls { get; } = [];

    public List<string> Databases { get; } = [];

    public List<string> Logs { get; } = [];

    public JetLogInfo LogInfo { get; set; } = new(1, 1, "edb");

    public Action<string>? BeforeCall { get; set; }

    public string Description => "scripted";

    public string InstanceName => "scripted";

    public ScriptedEngine AddDatabase(string path, byte[] bytes, long? announced = null)
    {
        Databases.Add(path);
        _files[path] = bytes;
        if (announced is { } a)
        {
            _announced[path] = a;
        }

        return this;
    }

    /// <summary>The bytes this engine serves for <paramref name="path"/>.</summary>
    public byte[] Read(string path) => _files[path];

    public ScriptedEngine AddLog(string path, byte[] bytes, long? announced = null)
    {
        Logs.Add(path);
        _files[path] = bytes;
        if (announced is { } a)
        {
            _announced[path] = a;
        }

        return this;
    }

    public void BeginExternalBackup(BackupGrbits grbits) => Record($"Begin({grbits})");

    public IReadOnlyList<string> GetAttachInfo()
    {
        Record("GetAttachInfo");
        return Databases;
    }

    public BackupFileHandle OpenFile(string fileName)
    {
        Record($"OpenFile({fileName})");
        if (!_files.ContainsKey(fileName))
        {
            throw new EseException("JetOpenFileInstance", JetError.MissingFileToBackup, fileName);
        }

        _open = fileName;
        _offset = 0;
        return new BackupFileHandle(0, _announced.TryGetValue(fileName, out var a) ? a : _files[fileName].Length);
    }

    public int ReadFile(BackupFileHandle file, Span<byte> buffer)
    {
        Record("ReadFile");
        var bytes = _files[_open!];
        var count = (int)Math.Min(buffer.Length, bytes.Length - _offset);
        bytes.AsSpan((int)_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public void CloseFile(BackupFileHandle file)
    {
        Record("CloseFile");
        _open = null;
    }

    public BackupLogInfo GetLogInfo()
    {
        Record("GetLogInfo");
        return new BackupLogInfo(Logs, LogInfo);
    }

    public IReadOnlyList<string> GetTruncateLogInfo()
    {
        Record("GetTruncateLogInfo");
        return Logs;
    }

    public void TruncateLog() => Record("TruncateLog");

    public void EndExternalBackup(EndBackupGrbits grbits) => Record($"End({grbits})");

    public void StopBackup() => Record("StopBackup");

    private void Record(string call)
    {
        BeforeCall?.Invoke(call);
        Calls.Add(call);
    }
}
