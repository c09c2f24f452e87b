using System.Runtime.CompilerServices;
using ExternalBackup.Engine;
using ExternalBackup.Testing.EngineModel;

namespace ExternalBackup.Cli;

/// <summary>
/// The demo engine of <c>--engine model</c>: the engine model of ExternalBackup.Testing (a test double that rewrites
/// the instance folder), serving a folder. The only code of <c>backup</c> that names a type of that assembly: the
/// runtime loads it when this method is compiled, which is only when the model was chosen.
/// </summary>
internal static class DemoEngine
{
    /// <summary>Opens the model over <paramref name="instance"/>.</summary>
    /// <exception cref="EngineSelectionException">No instance folder given, or it does not exist.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IExternalBackupEngine Open(string? instance)
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
