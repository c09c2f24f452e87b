using System.CommandLine;
using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;

namespace ExternalBackup.Cli;

/// <summary>A requested engine cannot be opened (missing folder, missing native library).</summary>
public sealed class EngineSelectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Opens the engine <c>--engine</c> names.</summary>
public static class EngineSelection
{
    /// <summary>Engine-specific options added to commands that open an engine.</summary>
    public static IReadOnlyList<Option> Options { get; } = [];

    /// <summary>Opens the engine.</summary>
    public static IExternalBackupEngine Open(string engine, string? instance, ParseResult parse) => engine switch
    {
        "model" => OpenModel(instance),
        "native" => throw new EngineSelectionException("the native engine is not part of this build yet"),
        _ => throw new EngineSelectionException($"unknown engine '{engine}'"),
    };

    private static EngineModel OpenModel(string? instance)
    {
        if (string.IsNullOrWhiteSpace(instance))
        {
            throw new EngineSelectionException("--engine model needs --instance DIR (a folder of ESE databases, logs and checkpoint)");
        }

        if (!Directory.Exists(instance))
        {
            throw new EngineSelectionException($"the instance folder '{instance}' does not exist");
        }

        return EngineModel.Open(instance);
    }
}
