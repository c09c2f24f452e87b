using ExternalBackup.Manifest;

namespace ExternalBackup.Sources;

/// <summary>A file a source offers for the set.</summary>
/// <param name="SetPath">Its path inside the set (format 2 layout, <see cref="Pipeline.SetLayout"/>).</param>
/// <param name="Kind">Database, log, checkpoint or other (a writer document).</param>
/// <param name="SourcePath">Where the source reads it (the engine's name, or the file in the frozen folder).</param>
/// <param name="Generation">For logs, the generation.</param>
/// <param name="Facts">Database header facts the source already knows (a frozen file's planned header), used when the file is not verified.</param>
/// <param name="LogSignature">The log signature the source already read from the file's header (a frozen file), for the chain rule; else <see langword="null"/>.</param>
/// <param name="DatabaseSignature">A database's own signature the source already read from its header, for the set's identity; else <see langword="null"/>.</param>
internal sealed record SourceFile(string SetPath, BackupFileKind Kind, string SourcePath, long? Generation = null, ManifestDatabase? Facts = null, string? LogSignature = null, string? DatabaseSignature = null);
