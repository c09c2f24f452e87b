using System.CommandLine;
using ExternalBackup.Engine;
using ExternalBackup.Interop.Esent;

namespace ExternalBackup.Cli;

/// <summary>A requested engine cannot be opened (missing folder, missing native library).</summary>
public sealed class EngineSelectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Opens the engine <c>--engine</c> names: the native ESE library, or the demo engine model. No code here names a type
/// of ExternalBackup.Testing, so that assembly is loaded only when the model is chosen (<see cref="DemoEngine"/>).
/// </summary>
public static class EngineSelection
{
    /// <summary>The one line a streaming backup without <c>--engine</c> is refused with.</summary>
    public const string Required = "backup needs --engine native (the ESE library serving --instance) or --engine model (the demo engine model, a test double that rewrites the instance folder), or --from-snapshot DIR or --vss instead";

    /// <summary>The line a backup's text report adds when the engine was the model.</summary>
    public const string DemoNote = "engine: the demo engine model (a test double that rewrites the instance folder), not a production engine; back up a live instance with --engine native";

    /// <summary>Whether <paramref name="engine"/> names the demo engine model.</summary>
    public static bool IsDemo(string engine) => engine == "model";

    private static readonly Option<string?> EseLibrary = new("--ese-library") { Description = "native: the ESE library (default: ESE_NATIVE_LIBRARY, then esent.dll on Windows)" };
    private static readonly Option<string?> LogPath = new("--log-path") { Description = "native: the log folder (default: --instance)" };
    private static readonly Option<string> BaseName = new("--base-name") { Description = "native: the log base name", DefaultValueFactory = _ => "edb" };
    private static readonly Option<int?> PageSize = new("--page-size") { Description = "native: JET_paramDatabasePageSize (default: the engine's, 4096)" };
    private static readonly Option<string[]> Database = new("--database") { Description = "native: a database to attach (repeatable; default: every database under --instance)" };

    /// <summary>Engine-specific options added to commands that open an engine.</summary>
    public static IReadOnlyList<Option> Options { get; } = [EseLibrary, LogPath, BaseName, PageSize, Database];

    /// <summary>Opens the engine; the caller disposes it when it is <see cref="IDisposable"/>.</summary>
    public static IExternalBackupEngine Open(string engine, string? instance, ParseResult parse) => engine switch
    {
        "model" => DemoEngine.Open(instance),
        "native" => OpenNative(instance, parse),
        _ => throw new EngineSelectionException($"unknown engine '{engine}'"),
    };

    private static NativeEngineHost OpenNative(string? instance, ParseResult parse)
    {
        if (string.IsNullOrWhiteSpace(instance))
        {
            throw new EngineSelectionException("--engine native needs --instance DIR (the instance's system folder)");
        }

        try
        {
            var databases = parse.GetValue(Database) is { Length: > 0 } named ? named : NativeEngineHost.FindDatabases(instance);
            return NativeEngineHost.Open(new NativeEngineHostOptions
            {
                LibraryPath = parse.GetValue(EseLibrary),
                SystemPath = instance,
                LogPath = parse.GetValue(LogPath),
                BaseName = parse.GetValue(BaseName)!,
                DatabasePageSize = parse.GetValue(PageSize),
                Databases = databases,
            });
        }
        catch (EseLibraryException e)
        {
            throw new EngineSelectionException(e.Message, e);
        }
    }
}
