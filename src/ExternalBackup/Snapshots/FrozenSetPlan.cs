using ExternalBackup.Manifest;

namespace ExternalBackup.Snapshots;

/// <summary>What a frozen set backup copies: databases, then log generations in order, then the checkpoint.</summary>
/// <param name="Files">The files in copy order.</param>
/// <param name="LogGenerations">The log generations copied, or <see langword="null"/>.</param>
/// <param name="LogBaseName">The log base name, or <see langword="null"/> when there are no logs nor checkpoint.</param>
/// <param name="LogSignature">The log stream's signature, or <see langword="null"/>.</param>
/// <param name="Skipped">Files left out, with why (not ESE, reserve logs, flush maps, temporary databases).</param>
/// <param name="Excluded">Files an exclusion rule of the layout left out (<see cref="FrozenFolderLayout.Excludes"/>), each with its rule; the manifest lists them.</param>
public sealed record FrozenSetPlan(IReadOnlyList<FrozenPlannedFile> Files, LogGenerationRange? LogGenerations, string? LogBaseName, string? LogSignature, IReadOnlyList<string> Skipped, IReadOnlyList<ManifestExclusion>? Excluded = null);
