using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;
using ExternalBackup.Tests.Common;

namespace ExternalBackup.Interop.Tests;

/// <summary>A scratch copy of a corpus set hosted through the native fixture with <see cref="NativeEngineHost"/>.</summary>
internal sealed class FixtureInstance : IDisposable
{
    private readonly ScratchDirectory _scratch;

    public FixtureInstance(string set = "xp-catroot2-logset", string? folderName = null, Action<string>? prepare = null, TermGrbits termGrbits = TermGrbits.StopBackup)
    {
        _scratch = new ScratchDirectory("native");
        Folder = TestPaths.CopyCorpusSet(set, _scratch, folderName);
        prepare?.Invoke(Folder);
        Databases = Directory.EnumerateFiles(Folder, "catdb", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Control = new FixtureControl();
        Host = NativeEngineHost.Open(new NativeEngineHostOptions
        {
            LibraryPath = NativeFixture.LibraryPath,
            SystemPath = Folder,
            LogPath = Folder,
            BaseName = "edb",
            DatabasePageSize = 4096,
            LegacyFileNames = 3,
            Databases = Databases,
            InstanceName = "fixture-" + Path.GetFileName(Folder),
            TermGrbits = termGrbits,
        });
    }

    public string Folder { get; }

    public IReadOnlyList<string> Databases { get; }

    public FixtureControl Control { get; }

    public NativeEngineHost Host { get; }

    public IExternalBackupEngine Engine => Host.Engine;

    public string Sub(string name) => _scratch.Sub(name);

    public void Dispose()
    {
        Host.Dispose();
        Control.Dispose();
        _scratch.Dispose();
    }
}

/// <summary>The external backup sequence of the seed, run directly over an engine (reading into one aligned buffer).</summary>
internal static class DirectBackup
{
    /// <summary>Full backup into <paramref name="destination"/>: databases as &lt;parent folder&gt;/&lt;name&gt;, logs by name.</summary>
    public static BackupLogInfo Run(IExternalBackupEngine engine, string destination, int bufferBytes = 64 * 1024)
    {
        using var buffer = new AlignedBuffer(bufferBytes);
        engine.BeginExternalBackup(BackupGrbits.None);
        try
        {
            foreach (var db in engine.GetAttachInfo())
            {
                var target = Path.Combine(destination, Path.GetFileName(Path.GetDirectoryName(db)!), Path.GetFileName(db));
                Copy(engine, db, target, buffer);
            }

            var logs = engine.GetLogInfo();
            foreach (var log in logs.Files)
            {
                Copy(engine, log, Path.Combine(destination, Path.GetFileName(log)), buffer);
            }

            engine.GetTruncateLogInfo();
            engine.TruncateLog();
            engine.EndExternalBackup(EndBackupGrbits.Normal);
            return logs;
        }
        catch
        {
            engine.EndExternalBackup(EndBackupGrbits.Abort);
            throw;
        }
    }

    private static void Copy(IExternalBackupEngine engine, string source, string target, AlignedBuffer buffer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var handle = engine.OpenFile(source);
        long total = 0;
        using (var output = File.Create(target))
        {
            int n;
            while ((n = engine.ReadFile(handle, buffer.Span)) > 0)
            {
                output.Write(buffer.Span[..n]);
                total += n;
            }
        }

        engine.CloseFile(handle);
        Assert.That(total, Is.EqualTo(handle.Size), $"bytes streamed for {source} differ from the size JetOpenFileInstanceW reported");
    }
}
