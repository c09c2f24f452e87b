using ExternalBackup.Engine;
using ExternalBackup.Manifest;

namespace ExternalBackup.Pipeline;

/// <summary>
/// The set was committed, but <c>JetTruncateLogInstance</c> failed afterwards. The set is complete and usable;
/// the engine's backup was ended with abort, so its headers do not record this backup and its logs are kept.
/// </summary>
public sealed class LogTruncationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LogTruncationException(BackupManifest manifest, EseException inner)
        : base($"set '{manifest?.SetId}' was committed, but truncating the logs failed: {inner?.Message}", inner)
    {
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
        Error = inner!.Error;
    }

    /// <summary>The committed set.</summary>
    public BackupManifest Manifest { get; }

    /// <summary>The engine's code.</summary>
    public JetError Error { get; }
}
