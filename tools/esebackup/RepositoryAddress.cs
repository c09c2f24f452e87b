using ExternalBackup.Repository;
using ExternalBackup.Sinks.S3;

namespace ExternalBackup.Cli;

/// <summary>
/// Opens the repository a <c>--from</c> (or <c>verify</c>) value names, with the syntax of <see cref="SinkAddress"/>:
/// a folder of sets, <c>tar:FILE</c> (or <c>tar:DIR</c>, every archive in it), <c>s3://bucket/prefix</c>.
/// </summary>
public static class RepositoryAddress
{
    /// <summary>Whether <paramref name="value"/> names a destination rather than a plain file or folder to verify: an <c>s3://</c> or <c>tar:</c> address, or a folder holding committed sets.</summary>
    public static bool IsDestination(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("tar:", StringComparison.Ordinal))
        {
            return true;
        }

        return Directory.Exists(value)
            && Directory.EnumerateDirectories(value).Any(d => File.Exists(Path.Combine(d, Manifest.BackupManifest.FileName)) || Path.GetFileName(d) == Sinks.FileSystem.DirectorySink.StagingFolderName);
    }

    /// <summary>Opens the repository <paramref name="from"/> names.</summary>
    /// <exception cref="FormatException">The value is not a destination this tool reads.</exception>
    public static IBackupRepository Open(string from, S3Settings? s3 = null, Func<string, string?>? environment = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var address = SinkAddress.Parse(from);
        return address.Kind switch
        {
            SinkAddressKind.Directory => new DirectoryRepository(address.Location),
            SinkAddressKind.TarFile => new TarRepository(address.Location),
            SinkAddressKind.S3 => new S3Repository(address.S3Options(s3, null, environment), logger),
            _ => throw new FormatException($"--from {from}: a backup is read from a folder, tar:FILE, tar:DIR or s3://bucket/prefix, not from standard input"),
        };
    }
}
