using ExternalBackup.Manifest;

namespace ExternalBackup.Repository;

/// <summary>A committed set as it is stored: the name of the folder (prefix, archive folder) holding its manifest, and the manifest.</summary>
/// <param name="Name">Where the set is stored: its folder name, key segment or archive folder; files are looked up under it.</param>
/// <param name="Manifest">The validated manifest found there.</param>
/// <param name="Container">Where the name lives when a destination has several containers (the archive file of a tar set); <see langword="null"/> otherwise.</param>
public sealed record StoredSet(string Name, BackupManifest Manifest, string? Container = null)
{
    /// <summary>Whether the manifest names the set it is stored as (a copied or renamed set does not).</summary>
    public bool NameMatchesManifest => (Container is not null && Name.Length == 0) || string.Equals(Name, Manifest.SetId, StringComparison.Ordinal);

    /// <summary>"set 'NAME'" (and the manifest's id when it differs), for messages.</summary>
    public string Describe() => NameMatchesManifest ? $"set '{Manifest.SetId}'" : $"set stored as '{Name}' (its manifest says '{Manifest.SetId}')";
}
