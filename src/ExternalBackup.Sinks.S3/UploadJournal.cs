using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// What a set's uploads have achieved so far, so that an interrupted set can be resumed without sending
/// acknowledged parts again. It is saved when an upload starts and when a file's parts are all acknowledged;
/// parts acknowledged in between are found on resume with ListParts. Parts are matched by number, size and their
/// ETag, the MD5 of the part's bytes, checked against the resumed run's bytes.
/// </summary>
internal sealed class UploadJournal
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    public required string SetId { get; set; }

    /// <summary>Files by set path.</summary>
    public Dictionary<string, JournalFile> Files { get; set; } = new(StringComparer.Ordinal);

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static UploadJournal Deserialize(ReadOnlySpan<byte> utf8, string origin)
    {
        try
        {
            var journal = JsonSerializer.Deserialize<UploadJournal>(utf8, JsonOptions)
                ?? throw new InvalidDataException($"{origin}: empty upload journal");
            return journal.Version == CurrentVersion
                ? journal
                : throw new InvalidDataException($"{origin}: upload journal version {journal.Version} is not {CurrentVersion}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin}: not a valid upload journal: {e.Message}", e);
        }
    }

    public int PartCount => Files.Values.Sum(f => f.Parts.Count);
}

/// <summary>One file's upload in the journal.</summary>
internal sealed class JournalFile
{
    public required string Key { get; set; }

    /// <summary>The multipart upload, or <see langword="null"/> for a file sent with one PutObject.</summary>
    public string? UploadId { get; set; }

    public int PartSize { get; set; }

    /// <summary>Acknowledged parts by number.</summary>
    public SortedDictionary<int, JournalPart> Parts { get; set; } = [];

    /// <summary>Set once every byte of the file is acknowledged (its multipart upload may still await completion at commit).</summary>
    public long? Length { get; set; }

    /// <summary>The file's SHA-256 as the pipeline reported it; for a file sent with PutObject, what a resumed run's file must match to be skipped.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The ETag of the finished object: a file sent with PutObject, or a completed multipart upload.</summary>
    public string? ETag { get; set; }

    /// <summary>A copy that the journal's later changes leave alone.</summary>
    public JournalFile Copy() => new()
    {
        Key = Key,
        UploadId = UploadId,
        PartSize = PartSize,
        Parts = new SortedDictionary<int, JournalPart>(Parts),
        Length = Length,
        Sha256 = Sha256,
        ETag = ETag,
    };
}

/// <summary>
/// An acknowledged part: its size and the ETag the store returned (the MD5 of its bytes on S3 and Swift), which is
/// what a resumed run checks its bytes against. Journals written before this record lost its SHA-256 still read:
/// the extra member is ignored.
/// </summary>
internal sealed record JournalPart(long Size, string ETag);
