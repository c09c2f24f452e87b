using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Tests.EngineModelTests;

/// <summary>A 4096-aligned native buffer, as the engine wants ReadFile buffers.</summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    private readonly void* _memory;

    public AlignedBuffer(int length, int offset = 0)
    {
        Length = length;
        Offset = offset;
        _memory = NativeMemory.AlignedAlloc((nuint)(length + offset + 4096), 4096);
    }

    public int Length { get; }

    public int Offset { get; }

    public Span<byte> Span => new((byte*)_memory + Offset, Length);

    public void Dispose() => NativeMemory.AlignedFree(_memory);
}

/// <summary>The XP CatRoot2 instance copied into scratch, and helpers that drive the model like a backup program.</summary>
internal sealed class XpInstance : IDisposable
{
    public const string Set = "xp-catroot2-logset";
    public const string SmallDb = "{127D0A1D-4EF2-11D1-8608-00C04FC295EE}/catdb";
    public const string LargeDb = "{F750E6C3-38EE-11D1-85E5-00C04FC295EE}/catdb";

    private readonly ScratchDirectory _scratch = new("engine-model");

    /// <param name="replacementDatabase">A corpus file (e.g. <c>dissect-synthetic/large.edb</c>) that replaces the two catdb databases.</param>
    public XpInstance(string? replacementDatabase = null)
    {
        Folder = TestPaths.CopyCorpusSet(Set, _scratch);
        if (replacementDatabase is not null)
        {
            Directory.Delete(Path.GetDirectoryName(PathOf(SmallDb))!, recursive: true);
            Directory.Delete(Path.GetDirectoryName(PathOf(LargeDb))!, recursive: true);
            File.Copy(TestPaths.CorpusFile(replacementDatabase), PathOf(Path.GetFileName(replacementDatabase)));
        }
    }

    public string Folder { get; }

    /// <summary>The full path of <paramref name="relative"/> (which may use '/') with the OS's separators, as the engine reports it.</summary>
    public string PathOf(string relative) => Path.GetFullPath(Path.Combine(Folder, relative));

    public EngineModel Open(EngineModelOptions? options = null) => EngineModel.Open(Folder, options);

    /// <summary>Options of an instance whose checkpoint moves to the new generation at each roll (kept in the state file for later opens).</summary>
    public static EngineModelOptions CheckpointFollowsRoll => new() { CheckpointFollowsRoll = true };

    public void Dispose() => _scratch.Dispose();

    /// <summary>Opens, reads to the end (0 bytes) and closes one file; returns its bytes.</summary>
    public static byte[] ReadWhole(IExternalBackupEngine engine, string path, int bufferBytes = 64 * 1024)
    {
        var handle = engine.OpenFile(path);
        using var buffer = new AlignedBuffer(bufferBytes);
        using var copy = new MemoryStream();
        int n;
        while ((n = engine.ReadFile(handle, buffer.Span)) > 0)
        {
            copy.Write(buffer.Span[..n]);
        }

        engine.CloseFile(handle);
        Assert.That(copy.Length, Is.EqualTo(handle.Size), $"{path}: streamed bytes vs size reported by OpenFile");
        return copy.ToArray();
    }

    /// <summary>Begins a full backup and streams every database to the end: the state before the log-info call.</summary>
    public static void BeginAndCopyDatabases(IExternalBackupEngine engine)
    {
        engine.BeginExternalBackup(BackupGrbits.None);
        foreach (var db in engine.GetAttachInfo())
        {
            ReadWhole(engine, db);
        }
    }

    /// <summary>The whole sequence of the seed for one kind; returns the streamed bytes by path.</summary>
    public static Dictionary<string, byte[]> Backup(IExternalBackupEngine engine, bool incremental, bool truncate, out BackupLogInfo logInfo)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        engine.BeginExternalBackup(incremental ? BackupGrbits.Incremental : BackupGrbits.None);
        if (!incremental)
        {
            foreach (var db in engine.GetAttachInfo())
            {
                files[db] = ReadWhole(engine, db);
            }
        }

        logInfo = engine.GetLogInfo();
        foreach (var log in logInfo.Files)
        {
            files[log] = ReadWhole(engine, log);
        }

        if (truncate)
        {
            engine.TruncateLog();
        }

        engine.EndExternalBackup(EndBackupGrbits.Normal);
        return files;
    }

    public static void ExpectError(JetError error, TestDelegate call)
    {
        var e = Assert.Throws<EseException>(call)!;
        Assert.That(e.Error, Is.EqualTo(error), e.Message);
    }
}
