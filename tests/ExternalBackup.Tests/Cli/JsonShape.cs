using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExternalBackup.Tests.Cli;

/// <summary>
/// Compares a printed JSON value with a documented example key by key: objects must have exactly the example's
/// names, values the same JSON kind (a <c>null</c> on either side is a nullable field and matches anything), and
/// each element of an array must match one of the example's elements (an example array shows one element of each
/// shape; an empty example array documents nothing, so a printed element is a difference).
/// </summary>
internal static class JsonShape
{
    public static List<string> Differences(JsonNode? documented, JsonNode? printed)
    {
        var differences = new List<string>();
        Compare(documented, printed, "$", differences);
        return differences;
    }

    private static void Compare(JsonNode? documented, JsonNode? printed, string at, List<string> differences)
    {
        if (documented is null || printed is null)
        {
            return;
        }

        if (Kind(documented) != Kind(printed))
        {
            differences.Add($"{at}: documented {Kind(documented)}, printed {Kind(printed)}");
            return;
        }

        switch (documented)
        {
            case JsonObject d:
                var p = (JsonObject)printed;
                foreach (var name in p.Select(x => x.Key).Except(d.Select(x => x.Key)))
                {
                    differences.Add($"{at}.{name}: printed but not documented");
                }

                foreach (var name in d.Select(x => x.Key).Except(p.Select(x => x.Key)))
                {
                    differences.Add($"{at}.{name}: documented but not printed");
                }

                foreach (var (name, value) in d)
                {
                    if (p.ContainsKey(name))
                    {
                        Compare(value, p[name], $"{at}.{name}", differences);
                    }
                }

                break;
            case JsonArray d:
                var elements = (JsonArray)printed;
                if (d.Count == 0 && elements.Count > 0)
                {
                    differences.Add($"{at}: the example's array is empty, so its elements are not documented");
                    return;
                }

                for (var i = 0; i < elements.Count; i++)
                {
                    var element = elements[i];
                    var match = d.FirstOrDefault(e => Differences(e, element).Count == 0);
                    if (match is null)
                    {
                        // Report against the example element of the same keys, or the first.
                        var closest = d.FirstOrDefault(e => e is JsonObject o && element is JsonObject q && o.Select(x => x.Key).Order().SequenceEqual(q.Select(x => x.Key).Order())) ?? d[0];
                        Compare(closest, element, $"{at}[{i}]", differences);
                    }
                }

                break;
        }
    }

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };
}
