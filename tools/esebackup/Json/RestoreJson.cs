using System.Text.Json;
using System.Text.Json.Nodes;
using ExternalBackup.Manifest;
using ExternalBackup.Restore;

namespace ExternalBackup.Cli.Json;

/// <summary>
/// The fields of <c>restore --json</c>: the target and the recovery plan (<c>restore.json</c>) in the manifest's
/// vocabulary: the log range as <c>logGenerations {low, high}</c> (<c>restore.json</c> keeps <c>genLow</c>/<c>genHigh</c>,
/// the names of <c>JET_LOGINFO</c> that <c>JetExternalRestore2</c> takes).
/// </summary>
public static class RestoreJson
{
    /// <summary>The fields for <paramref name="plan"/>, restored into <paramref name="target"/>.</summary>
    public static JsonObject Describe(RestorePlan plan, string target)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var fields = new JsonObject { ["target"] = Path.GetFullPath(target) };
        var planFields = JsonSerializer.SerializeToNode(plan, ManifestJson.Options)!.AsObject();
        foreach (var (name, value) in planFields.ToList())
        {
            planFields.Remove(name);
            if (name is "genLow" or "genHigh")
            {
                continue;
            }

            fields[name] = value;
            if (name == "logBaseName")
            {
                fields["logGenerations"] = plan.GenLow is { } low && plan.GenHigh is { } high ? new JsonObject { ["low"] = low, ["high"] = high } : null;
            }
        }

        return fields;
    }
}
