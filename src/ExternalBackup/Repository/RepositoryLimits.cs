namespace ExternalBackup.Repository;

/// <summary>Limits every repository applies to what it reads.</summary>
public static class RepositoryLimits
{
    /// <summary>The largest manifest read (64 MiB, about 200 000 files); a larger one is refused before it is read.</summary>
    public const long MaxManifestBytes = 64L << 20;
}
