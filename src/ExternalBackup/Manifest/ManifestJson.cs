using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ExternalBackup.Manifest;

/// <summary>Reads and writes <see cref="BackupManifest"/> as JSON (camelCase, enums as lower-case strings).</summary>
public static class ManifestJson
{
    /// <summary>The serializer options of the manifest format.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes <paramref name="manifest"/> to UTF-8 JSON.</summary>
    public static byte[] Serialize(BackupManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Options);

    /// <summary>
    /// Parses a manifest; throws <see cref="InvalidDataException"/> naming <paramref name="origin"/> and the cause in
    /// one line when it is not one this library can read: not JSON, an unknown format version, or content that
    /// <see cref="ManifestValidation"/> refuses (null lists, duplicate paths or generations, absurd sizes, unsafe paths).
    /// </summary>
    public static BackupManifest Deserialize(ReadOnlySpan<byte> utf8, string origin)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(utf8, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin}: not a valid manifest: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"{origin}: empty manifest");
        }

        if (manifest.FormatVersion is < 1 or > BackupManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException($"{origin}: manifest format version {manifest.FormatVersion} is not supported (this library reads 1..{BackupManifest.CurrentFormatVersion})");
        }

        if (ManifestValidation.Check(manifest) is { } problem)
        {
            throw new InvalidDataException($"{origin}: not a valid manifest: {problem}");
        }

        return manifest;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
