using System.Text.Json;
using System.Text.Json.Nodes;
using ExternalBackup.Cli.Failures;
using ExternalBackup.Manifest;

namespace ExternalBackup.Cli.Json;

/// <summary>
/// The one shape of every command's <c>--json</c> output (<c>docs/json.md</c>): one object on standard output that
/// starts with <c>schemaVersion</c>, <c>command</c> and <c>ok</c>, then the command's own fields in the manifest's
/// vocabulary (camelCase names, camelCase enum values, ISO 8601 UTC times), serialised with the manifest's options
/// (<see cref="ManifestJson.Options"/>). A failure is the same envelope with <c>ok: false</c>, <c>exitCode</c> and
/// <c>error: {code, message}</c>.
/// </summary>
public static class CliJson
{
    /// <summary>The version of the shapes in <c>docs/json.md</c>; raised when a field changes meaning or goes away (added fields keep it).</summary>
    public const int SchemaVersion = 1;

    /// <summary>The result object of <paramref name="command"/>: the envelope, then the fields of <paramref name="body"/> (an object).</summary>
    public static JsonObject Result(string command, bool ok, object body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentNullException.ThrowIfNull(body);
        var fields = body as JsonObject ?? JsonSerializer.SerializeToNode(body, body.GetType(), ManifestJson.Options) as JsonObject
            ?? throw new ArgumentException("a command's JSON result is an object", nameof(body));
        var result = Envelope(command, ok);
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            result[name] = value;
        }

        return result;
    }

    /// <summary>The error object of <paramref name="command"/>.</summary>
    public static JsonObject Error(string command, CliFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var result = Envelope(command, false);
        result["exitCode"] = failure.ExitCode;
        result["error"] = new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message };
        return result;
    }

    /// <summary>The text of <paramref name="node"/> as the command line prints it.</summary>
    public static string Text(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(ManifestJson.Options);
    }

    /// <summary>An enum value or a PascalCase name as the vocabulary spells it: camelCase (<c>CleanShutdown</c> → <c>cleanShutdown</c>).</summary>
    public static string? Name(string? value) => value is null ? null : JsonNamingPolicy.CamelCase.ConvertName(value);

    private static JsonObject Envelope(string command, bool ok) => new()
    {
        ["schemaVersion"] = SchemaVersion,
        ["command"] = command,
        ["ok"] = ok,
    };
}
