using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// Hosts an ESE instance for <c>esebackup backup --engine native</c>: loads the library, creates the instance from
/// <see cref="NativeEngineHostOptions"/> (system path, log path, base name, page size), runs <c>JetInit3W</c>, attaches
/// the databases, and is itself the instance's <see cref="IExternalBackupEngine"/> (calls go to <see cref="Engine"/>).
/// Disposing terminates the instance (<c>JetTerm2</c>) and unloads the library.
/// </summary>
public sealed class NativeEngineHost : IExternalBackupEngine, IDisposable
{
    private NativeEngineHost(EseLibrary library, EseInstance instance)
    {
        Library = library;
        Instance = instance;
        Engine = instance.CreateExternalBackupEngine();
    }

    /// <summary>The loaded library.</summary>
    public EseLibrary Library { get; }

    /// <summary>The hosted instance.</summary>
    public EseInstance Instance { get; }

    /// <summary>The external backup API of the instance, for the pipeline.</summary>
    public IExternalBackupEngine Engine { get; }

    /// <summary>Opens the host.</summary>
    /// <exception cref="EseLibraryException">No ESE library can be loaded (one-line message for the user).</exception>
    /// <exception cref="DirectoryNotFoundException">A folder of the options does not exist.</exception>
    /// <exception cref="FileNotFoundException">A database of the options does not exist.</exception>
    /// <exception cref="EseException">An ESE call failed (names the call and the code).</exception>
    public static NativeEngineHost Open(NativeEngineHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var systemPath = RequireFolder(options.SystemPath, "system path");
        var logPath = RequireFolder(options.LogPath ?? options.SystemPath, "log path");
        var tempPath = RequireFolder(options.TempPath ?? options.SystemPath, "temp path");
        var databases = options.Databases.Select(d => Path.GetFullPath(d)).ToList();
        foreach (var db in databases.Where(d => !File.Exists(d)))
        {
            throw new FileNotFoundException($"The database {db} does not exist.", db);
        }

        var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = options.LibraryPath });
        EseInstance? instance = null;
        try
        {
            if (options.DatabasePageSize is { } pageSize)
            {
                library.SetGlobalParameter(EseSystemParameter.DatabasePageSize, pageSize);
            }

            instance = library.CreateInstance(options.InstanceName, options.DisplayName, options.TermGrbits);
            instance.SetParameter(EseSystemParameter.SystemPath, 0, systemPath);
            instance.SetParameter(EseSystemParameter.LogFilePath, 0, logPath);
            instance.SetParameter(EseSystemParameter.TempPath, 0, tempPath);
            instance.SetParameter(EseSystemParameter.BaseName, 0, options.BaseName);
            if (options.LegacyFileNames is { } legacy)
            {
                instance.SetParameter(EseSystemParameter.LegacyFileNames, legacy);
            }

            instance.Init();
            foreach (var db in databases)
            {
                instance.AttachDatabase(db);
            }

            return new NativeEngineHost(library, instance);
        }
        catch
        {
            instance?.Dispose();
            library.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Description => Engine.Description;

    /// <inheritdoc />
    public string InstanceName => Engine.InstanceName;

    /// <summary>
    /// The ESE databases in <paramref name="folder"/> and below (database header magic 0x89abcdef at offset 4, at
    /// least 3 pages of 4 KiB), sorted: the default list to attach when the user names none.
    /// </summary>
    public static IReadOnlyList<string> FindDatabases(string folder)
    {
        var found = new List<string>();
        Span<byte> head = stackalloc byte[8];
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length >= 3 * 4096 && stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 &&
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) == 0x89ABCDEF)
            {
                found.Add(Path.GetFullPath(file));
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <inheritdoc />
    public void BeginExternalBackup(BackupGrbits grbits) => Engine.BeginExternalBackup(grbits);

    /// <inheritdoc />
    public IReadOnlyList<string> GetAttachInfo() => Engine.GetAttachInfo();

    /// <inheritdoc />
    public BackupFileHandle OpenFile(string fileName) => Engine.OpenFile(fileName);

    /// <inheritdoc />
    public int ReadFile(BackupFileHandle file, Span<byte> buffer) => Engine.ReadFile(file, buffer);

    /// <inheritdoc />
    public void CloseFile(BackupFileHandle file) => Engine.CloseFile(file);

    /// <inheritdoc />
    public BackupLogInfo GetLogInfo() => Engine.GetLogInfo();

    /// <inheritdoc />
    public IReadOnlyList<string> GetTruncateLogInfo() => Engine.GetTruncateLogInfo();

    /// <inheritdoc />
    public void TruncateLog() => Engine.TruncateLog();

    /// <inheritdoc />
    public void EndExternalBackup(EndBackupGrbits grbits) => Engine.EndExternalBackup(grbits);

    /// <inheritdoc />
    public void StopBackup() => Engine.StopBackup();

    /// <summary>Terminates the instance and releases the library.</summary>
    public void Dispose()
    {
        Instance.Dispose();
        Library.Dispose();
    }

    /// <summary>The full path of an existing folder, ending with a separator (ESE treats such a path as a folder).</summary>
    private static string RequireFolder(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The {what} {full} does not exist.");
        }

        return Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
    }
}
