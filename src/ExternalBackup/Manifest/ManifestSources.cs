namespace ExternalBackup.Manifest;

/// <summary>
/// The values of <see cref="BackupManifest.Source"/>, defined once (<c>docs/manifest.md</c> lists them, and a test
/// checks that it does). Which engine or snapshot provider it was is <see cref="BackupManifest.Producer"/>.
/// </summary>
public static class ManifestSources
{
    /// <summary>Streamed by the engine through the external backup API (<c>JetReadFileInstance</c>).</summary>
    public const string Engine = "engine";

    /// <summary>Copied from a folder that does not change while it is read (a mounted snapshot, a stopped instance, a disk image).</summary>
    public const string FrozenFolder = "frozen-folder";

    /// <summary>Copied from a snapshot a provider (VSS) created for this backup, the writers told the outcome.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Every value, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Engine, FrozenFolder, Snapshot];
}
