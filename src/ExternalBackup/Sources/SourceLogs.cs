using ExternalBackup.Manifest;

namespace ExternalBackup.Sources;

/// <summary>What a source offers after its databases: logs, checkpoint and documents.</summary>
/// <param name="Files">The logs in generation order, then the checkpoint and the documents.</param>
/// <param name="Generations">The log generations offered, or <see langword="null"/> when none.</param>
/// <param name="BaseName">The log base name (<c>edb</c>), or <see langword="null"/>.</param>
/// <param name="Excluded">Files the source left out by rule (a writer's exclude files), for the manifest; <see langword="null"/> or empty when none.</param>
internal sealed record SourceLogs(IReadOnlyList<SourceFile> Files, LogGenerationRange? Generations, string? BaseName, IReadOnlyList<ManifestExclusion>? Excluded = null);
