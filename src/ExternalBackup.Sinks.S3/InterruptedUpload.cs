using System.Security.Cryptography;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// What the interrupted run of a resumed set left of one file, as its journal entry shows it, and what of it this
/// run may reuse: its open multipart upload, the parts of an object it completed, or the object of a small file.
/// </summary>
internal sealed class InterruptedUpload
{
    private readonly JournalFile? _entry;

    /// <summary>The journal entry of a file about to be streamed to <paramref name="key"/> in parts of <paramref name="partSize"/> bytes.</summary>
    /// <param name="entry">What the interrupted run's journal holds for this file: a copy, as the journal's own entry changes while parts are acknowledged.</param>
    /// <param name="key">The file's object key: an entry for another key is not this file's.</param>
    /// <param name="partSize">The part size this run cuts the file into.</param>
    public InterruptedUpload(JournalFile? entry, string key, int partSize)
    {
        _entry = entry is not null && entry.Key == key ? entry : null;
        ReusesUpload = _entry is { UploadId: not null } && _entry.PartSize == partSize;
        CopiesFromObject = _entry is { UploadId: null, ETag: not null, Parts.Count: > 0 } && _entry.PartSize == partSize;
    }

    /// <summary>The interrupted run left this file's multipart upload open: its acknowledged parts are reused as they are.</summary>
    public bool ReusesUpload { get; }

    /// <summary>
    /// The interrupted run completed this file's multipart object: when every part matches, the file is not sent at
    /// all; otherwise a new upload copies the matching parts from that object in the store and sends only the others.
    /// </summary>
    public bool CopiesFromObject { get; }

    /// <summary>The multipart upload the interrupted run left open, whatever its part size.</summary>
    public string? LeftUploadId => _entry?.UploadId;

    /// <summary>The upload this run continues (<see cref="ReusesUpload"/>), else <see langword="null"/>.</summary>
    public string? ReusableUploadId => ReusesUpload ? _entry!.UploadId : null;

    /// <summary>
    /// The part <paramref name="number"/> the interrupted run had acknowledged, when this run reuses its upload or
    /// object and that part has the size and the bytes of <paramref name="bytes"/>; else <see langword="null"/>.
    /// </summary>
    public JournalPart? MatchingPart(int number, ReadOnlySpan<byte> bytes) =>
        (ReusesUpload || CopiesFromObject)
        && _entry!.Parts.TryGetValue(number, out var known) && known.Size == bytes.Length && MatchesStoredPart(known, bytes)
            ? known
            : null;

    /// <summary>
    /// Whether the object the interrupted run completed (<see cref="CopiesFromObject"/>) is already this file:
    /// <paramref name="matchedParts"/> parts matched, as many as it has, and the file has its length.
    /// </summary>
    public bool MatchesWholeObject(int matchedParts, long length) =>
        matchedParts == _entry!.Parts.Count && length == _entry.Length;

    /// <summary>The interrupted run's journal entry for this file, as a copy to put back, or <see langword="null"/>.</summary>
    public JournalFile? Entry => _entry?.Copy();

    /// <summary>Whether the interrupted run sent this file with one PutObject, with the same length and SHA-256.</summary>
    public bool MatchesSmallFile(int size, string sha) =>
        _entry is { UploadId: null, ETag: not null, Parts.Count: 0 } known && known.Length == size && known.Sha256 == sha;

    /// <summary>
    /// Whether a part acknowledged by an interrupted run holds these bytes: its ETag, which S3 and S3-compatible
    /// stores (Swift included) make the MD5 of the part's bytes, equals their MD5. This check is done here, at resume
    /// time and only for the parts a journal lists, instead of recording a SHA-256 of every part at upload time, a
    /// pass over every byte of every backup for the benefit of the rare resumed one. MD5 is not collision-resistant
    /// against an adversary, but both sides are the same file at the same offset read twice, not attacker-chosen
    /// bytes. A store whose part ETags are not MD5s (e.g. AWS with SSE-KMS) never matches: such parts are sent again,
    /// which costs time but never correctness.
    /// </summary>
    private static bool MatchesStoredPart(JournalPart known, ReadOnlySpan<byte> bytes)
    {
        var etag = known.ETag.Trim('"');
        return etag.Length == 32 && string.Equals(etag, Convert.ToHexStringLower(MD5.HashData(bytes)), StringComparison.OrdinalIgnoreCase);
    }
}
