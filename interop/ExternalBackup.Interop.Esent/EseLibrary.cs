using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent.Native;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// One loaded ESE library (esent.dll, an ESE build for Linux, or the test fixture) with its entry points. Each
/// instance loads its own library handle with <see cref="NativeLibrary.Load(string)"/> and takes function pointers
/// from it, so two libraries can be used side by side and nothing is registered process-wide. The native library
/// stays loaded until this object and every <see cref="EseInstance"/> created from it are disposed.
/// </summary>
public sealed class EseLibrary : IDisposable
{
    private readonly nint _module;
    private int _references = 1;
    private int _disposed;

    private EseLibrary(nint module, string name)
    {
        _module = module;
        Name = name;
        Exports = new EseExports(module, name);
    }

    /// <summary>The path or name the library was loaded from.</summary>
    public string Name { get; }

    internal EseExports Exports { get; }

    /// <summary>
    /// Loads the library chosen by <paramref name="options"/> (default: <c>ESE_NATIVE_LIBRARY</c>, then
    /// <c>esent.dll</c> on Windows).
    /// </summary>
    /// <exception cref="EseLibraryException">No library is named or it cannot be loaded.</exception>
    public static EseLibrary Load(EseLibraryOptions? options = null)
    {
        options ??= new EseLibraryOptions();
        var name = Resolve(options);
        try
        {
            return new EseLibrary(NativeLibrary.Load(name), name);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            var reason = e.Message.Split('\n', 2)[0].Trim();
            throw new EseLibraryException($"Cannot load the ESE library '{name}': {reason}", e);
        }
    }

    /// <summary>The library <see cref="Load"/> would use for <paramref name="options"/>, without loading it.</summary>
    /// <exception cref="EseLibraryException">None is named and this is not Windows.</exception>
    public static string Resolve(EseLibraryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.LibraryPath))
        {
            return options.LibraryPath;
        }

        if (options.UseEnvironmentVariable && Environment.GetEnvironmentVariable(EseLibraryOptions.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (OperatingSystem.IsWindows())
        {
            return EseLibraryOptions.WindowsLibrary;
        }

        throw new EseLibraryException(
            $"No ESE library: esent.dll exists only on Windows; name an ESE build for this system with {EseLibraryOptions.EnvironmentVariable} or the library option.");
    }

    /// <summary>Sets a process-wide parameter (<c>JetSetSystemParameterW</c> with no instance), e.g. <see cref="EseSystemParameter.DatabasePageSize"/>.</summary>
    public unsafe void SetGlobalParameter(EseSystemParameter parameter, nint value, string? text = null)
    {
        Exports.Require(Exports.JetSetSystemParameterW, nameof(EseExports.JetSetSystemParameterW));
        int err;
        try
        {
            fixed (char* sz = text)
            {
                err = Exports.JetSetSystemParameterW(null, 0, (uint)parameter, value, sz);
            }
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetSetSystemParameterW", e);
        }

        EseCall.Check(err, "JetSetSystemParameterW", $"parameter {parameter} ({(uint)parameter})");
    }

    /// <summary><c>JetCreateInstance2W</c>: a new instance, terminated with <c>JetTerm2</c> when disposed.</summary>
    /// <param name="name">The unique instance name.</param>
    /// <param name="displayName">The display name, or <see langword="null"/>.</param>
    /// <param name="termGrbits">What <c>JetTerm2</c> gets when the instance is disposed.</param>
    public unsafe EseInstance CreateInstance(string name, string? displayName = null, TermGrbits termGrbits = TermGrbits.StopBackup)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Exports.Require(Exports.JetCreateInstance2W, nameof(EseExports.JetCreateInstance2W));
        Exports.Require(Exports.JetTerm2, nameof(EseExports.JetTerm2));
        nint instance = 0;
        int err;
        try
        {
            fixed (char* szName = name)
            fixed (char* szDisplay = displayName)
            {
                err = Exports.JetCreateInstance2W(&instance, szName, szDisplay, 0);
            }
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetCreateInstance2W", e);
        }

        EseCall.Check(err, "JetCreateInstance2W", $"instance '{name}'");
        AddReference();
        return new EseInstance(this, new SafeEseInstanceHandle(this, instance, termGrbits), name);
    }

    /// <summary>
    /// Adopts an instance the application created and initialised itself (its <c>JET_INSTANCE</c>, in this process, from
    /// the same ESE library): the streaming backup API only works inside the process that owns the instance. Nothing is
    /// created, initialised, attached or terminated: disposing the returned <see cref="EseInstance"/> leaves the instance
    /// running, and the application keeps its own log path, base name and page size.
    /// </summary>
    /// <param name="instance">The application's <c>JET_INSTANCE</c>, already initialised (<c>JetInit</c>).</param>
    /// <param name="name">The instance's name, for logs and manifests.</param>
    /// <example>
    /// <code>
    /// using var library = EseLibrary.Load(new EseLibraryOptions { LibraryPath = "esent.dll" });
    /// using var adopted = library.AdoptInstance(myInstanceHandle, "MyApp");
    /// var result = await new StreamingBackup(adopted.CreateExternalBackupEngine(), sink, options).RunAsync(BackupKind.Full);
    /// </code>
    /// </example>
    public EseInstance AdoptInstance(nint instance, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (instance == 0 || instance == -1)
        {
            throw new ArgumentException($"JET_INSTANCE 0x{instance:X} is not an instance handle.", nameof(instance));
        }

        AddReference();
        return new EseInstance(this, new SafeEseInstanceHandle(this, instance, TermGrbits.None, terminates: false), name);
    }

    /// <summary>
    /// <c>JetExternalRestore2W</c>: restores databases and logs copied by an external backup (the engine creates its
    /// own temporary instance). Returns <see cref="JetError.Success"/> or a warning such as
    /// <see cref="JetError.WrnTargetInstanceRunning"/>.
    /// </summary>
    /// <exception cref="EseException">The engine returned an error.</exception>
    public unsafe JetError ExternalRestore(ExternalRestoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Exports.Require(Exports.JetExternalRestore2W, nameof(EseExports.JetExternalRestore2W));
        var maps = new NativeRstMapW[request.Mappings.Count];
        var thunk = request.StatusCallback is null ? null : new StatusCallbackThunk(request.StatusCallback);
        try
        {
            for (var i = 0; i < maps.Length; i++)
            {
                maps[i].SzDatabaseName = Marshal.StringToHGlobalUni(request.Mappings[i].DatabaseName);
                maps[i].SzNewDatabaseName = Marshal.StringToHGlobalUni(request.Mappings[i].NewDatabaseName);
            }

            var info = new NativeLogInfoW { CbSize = NativeLogInfoW.Size, UlGenLow = request.LogInfo.GenLow, UlGenHigh = request.LogInfo.GenHigh };
            CopyBaseName(request.LogInfo.BaseName, info.SzBaseName);
            int err;
            fixed (char* checkpoint = request.CheckpointPath)
            fixed (char* logPath = request.LogPath)
            fixed (char* backupLogPath = request.BackupLogPath)
            fixed (char* targetName = request.TargetInstanceName)
            fixed (char* targetLog = request.TargetInstanceLogPath)
            fixed (char* targetCheckpoint = request.TargetInstanceCheckpointPath)
            fixed (NativeRstMapW* rgrstmap = maps)
            {
                err = Exports.JetExternalRestore2W(
                    checkpoint, logPath, maps.Length == 0 ? null : rgrstmap, maps.Length, backupLogPath, &info,
                    targetName, targetLog, targetCheckpoint, thunk?.Pointer ?? 0);
            }

            thunk?.Complete();
            EseCall.Check(err, "JetExternalRestore2W", $"logs {request.LogInfo.GenLow}..{request.LogInfo.GenHigh} from {request.BackupLogPath}");
            return (JetError)err;
        }
        catch (SEHException e)
        {
            throw Exports.CannotCall("JetExternalRestore2W", e);
        }
        finally
        {
            GC.KeepAlive(thunk);
            foreach (var map in maps)
            {
                Marshal.FreeHGlobal(map.SzDatabaseName);
                Marshal.FreeHGlobal(map.SzNewDatabaseName);
            }
        }
    }

    /// <summary>Releases this object's hold on the native library; it is unloaded once every instance is disposed too.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseReference();
        }
    }

    internal void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
        {
            throw new ObjectDisposedException(nameof(EseLibrary));
        }
    }

    internal void ReleaseReference()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            NativeLibrary.Free(_module);
        }
    }

    internal static unsafe void CopyBaseName(string baseName, char* target)
    {
        if (baseName.Length > 3)
        {
            throw new ArgumentException($"The log base name '{baseName}' is longer than 3 characters (JET_BASE_NAME_LENGTH).", nameof(baseName));
        }

        for (var i = 0; i < 4; i++)
        {
            target[i] = i < baseName.Length ? baseName[i] : '\0';
        }
    }
}
