using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// Hosts an ESE instance for <c>esebackup backup --engine native</c>: loads the library, creates the instance from
/// <see cref="NativeEngineHostOptions"/> (system path, log path, base name, page size), runs <c>JetInit3W</c>, attaches
/// the databases, and exposes the instance as an <see cref="IExternalBackupEngine"/>. Disposing terminates the
/// instance (<c>JetTerm2</c>) and unloads the library.
/// </summary>
public sealed class NativeEngineHost : IDisposable
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
