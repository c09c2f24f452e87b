namespace ExternalBackup.Sinks.S3;

/// <summary>Chooses the part size of a multipart upload from the file's announced length.</summary>
public static class PartSizing
{
    private const long MiB = 1024 * 1024;

    /// <summary>The largest part S3 accepts: 5 GiB.</summary>
    public const long S3MaximumPartSize = 5L * 1024 * MiB;

    /// <summary>
    /// The part size for a file of <paramref name="expectedLength"/> bytes: <paramref name="minimumPartSize"/>, or
    /// more (rounded up to whole MiB) when the file plus an eighth for growth would otherwise need more than
    /// 10,000 parts. Deterministic, so a resumed upload cuts the same parts.
    /// </summary>
    public static int ForLength(long expectedLength, int minimumPartSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumPartSize, S3SinkOptions.S3MinimumPartSize);
        var withGrowth = expectedLength + (expectedLength / 8);
        var needed = (withGrowth + S3SinkOptions.S3MaximumPartCount - 1) / S3SinkOptions.S3MaximumPartCount;
        if (needed <= minimumPartSize)
        {
            return minimumPartSize;
        }

        var rounded = (needed + MiB - 1) / MiB * MiB;
        if (rounded > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedLength), expectedLength,
                $"a file of {expectedLength} bytes needs parts of {rounded} bytes, larger than one buffer can hold");
        }

        return (int)rounded;
    }
}
