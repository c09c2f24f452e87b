using System.Security.Cryptography;

namespace ExternalBackup.Sinks.S3;

/// <summary>
/// The ETag S3 (and Swift's S3 API) gives an object made by a multipart upload: the MD5 of the parts' binary MD5s,
/// a dash, and the part count. Lets the sink recognise an object it completed when the answer was lost.
/// </summary>
internal static class MultipartETag
{
    public static string Of(IEnumerable<string> partETags)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var count = 0;
        foreach (var etag in partETags)
        {
            md5.AppendData(Convert.FromHexString(etag.Trim('"')));
            count++;
        }

        return $"{Convert.ToHexStringLower(md5.GetHashAndReset())}-{count}";
    }
}
