using System.Text.Json;
using System.Text.Json.Serialization;
using ExternalBackup.Sinks.FileSystem;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>The model's configuration and history, kept as JSON in the instance folder.</summary>
internal sealed class ModelState
{
    public int Version { get; set; } = 1;

    public string? BaseName { get; set; }

    public bool? CircularLogging { get; set; }

    public string? LogExtension { get; set; }

    public bool? EightDotThreeLogNames { get; set; }

    public int? PageSize { get; set; }

    public List<string>? Databases { get; set; }

    public bool? CheckpointFollowsRoll { get; set; }

    public Dictionary<string, DatabaseAttachment>? Attachments { get; set; }

    public List<ModelBackupRecord> Backups { get; set; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static ModelState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new ModelState();
        }

        try
        {
            return JsonSerializer.Deserialize<ModelState>(File.ReadAllBytes(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: the engine model state file is empty (null).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the engine model state file is not valid JSON: {e.Message}", e);
        }
    }

    public void Save(string path)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectoryDurability.Flush(Path.GetDirectoryName(path)!);
    }

    /// <summary>Deletes a replacement of the state file killed before its rename (the state file is still the old one).</summary>
    public static void Recover(string path)
    {
        if (File.Exists(path + ".tmp"))
        {
            File.Delete(path + ".tmp");
        }
    }
}
