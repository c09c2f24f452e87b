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
        return InVocabulary(JsonSerializer.SerializeToNode(plan, ManifestJson.Options)!.AsObject(), new JsonObject { ["target"] = Path.GetFullPath(target) });
    }

    /// <summary>
    /// <paramref name="plan"/> (the plan or one of its log streams) with <c>genLow</c>/<c>genHigh</c> as
    /// <c>logGenerations {low, high}</c> after <c>logBaseName</c>, and each of its <c>logStreams</c> likewise, added to <paramref name="fields"/>.
    /// </summary>
    private static JsonObject InVocabulary(JsonObject plan, JsonObject fields)
    {
        var low = plan["genLow"]?.GetValue<long>();
        var high = plan["genHigh"]?.GetValue<long>();
        foreach (var (name, value) in plan.ToList())
        {
            plan.Remove(name);
            if (name is "genLow" or "genHigh")
            {
                continue;
            }

            fields[name] = name == "logStreams" && value is JsonArray streams
                ? new JsonArray([.. streams.ToList().Select(stream => { streams.Remove(stream); return (JsonNode?)InVocabulary(stream!.AsObject(), []); })])
                : value;
            if (name == "logBaseName")
            {
                fields["logGenerations"] = low is { } l && high is { } h ? new JsonObject { ["low"] = l, ["high"] = h } : null;
            }
        }

        return fields;
    }
}
