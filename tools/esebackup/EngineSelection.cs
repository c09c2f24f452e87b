using System.CommandLine;
using ExternalBackup.Engine;

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
        "model" => throw new EngineSelectionException("the engine model is not part of this build yet"),
        "native" => throw new EngineSelectionException("the native engine is not part of this build yet"),
        _ => throw new EngineSelectionException($"unknown engine '{engine}'"),
    };
}
