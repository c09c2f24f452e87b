using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExternalBackup.Manifest;

/// <summary>
/// Source-generated metadata for the manifest, so the first manifest written or read in a process does not pay for
/// reflection over its types (tens to hundreds of milliseconds on the commit path). Only the metadata is used:
/// <see cref="ManifestJson.Options"/> (camelCase, enums as camelCase strings, indented) decide the format, and types
/// not listed here fall back to reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
