namespace ExternalBackup.RateLimits;

/// <summary>The defaults of the read and write limits (<see cref="Pipeline.StreamingBackupOptions.ReadBytesPerSecond"/>, <see cref="RateLimitedSink"/>).</summary>
public static class RateLimitDefaults
{
    /// <summary>No limit: 0 bytes per second.</summary>
    public const long Unlimited = 0;

    /// <summary>The smallest limit accepted: 64 KiB/s (below that a backup of a database never ends).</summary>
    public const long MinimumBytesPerSecond = 64 * 1024;

    /// <summary>How often tokens are added to the bucket; the largest burst a limit allows is two periods' bytes.</summary>
    public static readonly TimeSpan ReplenishmentPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="bytesPerSecond"/> is <see cref="Unlimited"/> or at least <see cref="MinimumBytesPerSecond"/>.</summary>
    public static void Validate(long bytesPerSecond, string name)
    {
        if (bytesPerSecond != Unlimited && bytesPerSecond < MinimumBytesPerSecond)
        {
            throw new ArgumentOutOfRangeException(name, bytesPerSecond, $"{name}: {bytesPerSecond} bytes/s; a limit is 0 (unlimited) or at least {MinimumBytesPerSecond} bytes/s");
        }
    }
}
