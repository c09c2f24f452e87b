using ExternalBackup.Pipeline;

namespace ExternalBackup.Cli;

/// <summary>The inline verifier the command line uses for <c>--verify-stream</c>.</summary>
public static class StreamVerification
{
    /// <summary>Creates the verifier, or <see langword="null"/> when this build has none.</summary>
    public static IStreamVerifier? Create() => null;
}
