using System.CommandLine;
using System.Globalization;
using ExternalBackup.RateLimits;

namespace ExternalBackup.Cli;

/// <summary><c>--limit-read MB/s</c> and <c>--limit-write MB/s</c>: decimal megabytes (10^6 bytes) per second; 0 or absent is unlimited.</summary>
public static class TransferLimitOptions
{
    /// <summary>The read limit's option.</summary>
    public static Option<double?> Read() => new("--limit-read")
    {
        Description = "the most MB/s (10^6 bytes) read from the engine or the snapshot, i.e. from the production server's disks (default: unlimited)",
    };

    /// <summary>The write limit's option.</summary>
    public static Option<double?> Write() => new("--limit-write")
    {
        Description = "the most MB/s (10^6 bytes) written to the destination (default: unlimited)",
    };

    /// <summary>Bytes per second for a value in MB/s (<see cref="RateLimitDefaults.Unlimited"/> for none or 0); throws <see cref="ArgumentException"/> naming the option.</summary>
    public static long BytesPerSecond(double? megabytesPerSecond, string option)
    {
        if (megabytesPerSecond is not { } value || value == 0)
        {
            return RateLimitDefaults.Unlimited;
        }

        if (!double.IsFinite(value) || value < 0 || value * 1e6 < RateLimitDefaults.MinimumBytesPerSecond || value > 1e6)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{option} {value}: a limit is in MB/s, from {RateLimitDefaults.MinimumBytesPerSecond / 1e6} to 1000000 (0: unlimited)"));
        }

        return (long)(value * 1e6);
    }
}
