using System.Text.Json;
using System.Text.Json.Nodes;
using ExternalBackup.Manifest;

namespace ExternalBackup.Cli.Json;

/// <summary>
/// The fields of <c>backup --json</c>, the same for every source (engine stream, frozen folder, VSS): the committed
/// set's manifest under its own names (<c>docs/manifest.md</c>; <c>formatVersion</c> left out, the envelope's
/// <c>schemaVersion</c> versions the output), with <c>databases[].state</c> in camelCase like every enum value, then
/// whether the engine recorded the backup (<c>engineRecordedBackup</c>, <c>endFailure</c>: exit 3 when it did not).
/// </summary>
public static class BackupJson
{
    /// <summary>The fields for the set <paramref name="manifest"/> describes; <paramref name="endFailure"/> is why the engine did not record it, if so.</summary>
    public static JsonObject Describe(BackupManifest manifest, string? endFailure = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var fields = JsonSerializer.SerializeToNode(manifest with { Counts = manifest.Counts ?? SetCounts.Of([.. manifest.Files]) }, ManifestJson.Options)!.AsObject();
        fields.Remove("formatVersion");
        foreach (var database in fields["databases"]!.AsArray())
        {
            if (database is JsonObject d && d["state"] is JsonValue state)
            {
                d["state"] = CliJson.Name(state.GetValue<string>());
            }
        }

        fields["engineRecordedBackup"] = endFailure is null;
        fields["endFailure"] = endFailure;
        return fields;
    }
}
