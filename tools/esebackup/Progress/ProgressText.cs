using System.Globalization;

namespace ExternalBackup.Cli.Progress;

/// <summary>How sizes, rates and durations read in progress output (binary units, invariant culture).</summary>
public static class ProgressText
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"1.5 GiB".</summary>
    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B") : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    /// <summary>"52.1 MiB/s", or "-" when not known yet.</summary>
    public static string Rate(double? bytesPerSecond) => bytesPerSecond is { } rate ? Bytes(rate) + "/s" : "-";

    /// <summary>"1:02:03" or "2:03", or "-" when not known.</summary>
    public static string Duration(TimeSpan? duration) => duration is not { } d
        ? "-"
        : d.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}:{d.Minutes:00}:{d.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}:{d.Seconds:00}");

    /// <summary>"312.0 MiB of 1.0 GiB (30%), 3/5 files, 52.1 MiB/s, ETA 0:14".</summary>
    public static string Summary(ProgressSample sample, TransferRate rate)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(rate);
        var percent = sample.BytesTotal > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Min(100, 100.0 * sample.BytesDone / sample.BytesTotal):0}%)") : string.Empty;
        var eta = sample.Finished ? string.Empty : $", ETA {Duration(rate.Remaining(sample.BytesTotal - sample.BytesDone))}";
        return string.Create(CultureInfo.InvariantCulture, $"{Bytes(sample.BytesDone)} of {Bytes(sample.BytesTotal)}{percent}, {sample.FilesDone}/{sample.FilesTotal} files, {Rate(rate.BytesPerSecond)}{eta}");
    }
}
