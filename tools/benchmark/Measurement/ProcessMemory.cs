namespace ExternalBackup.Benchmarks.Measurement;

/// <summary>Peak resident memory of this process (VmHWM from /proc/self/status on Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Peak RSS in bytes, or the current working set where /proc is absent.</summary>
    public static long PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }

        return Environment.WorkingSet;
    }
}
