using System.Globalization;

namespace ExternalBackup.Benchmarks.Measurement;

/// <summary>
/// One measured run: its wall time, peak RSS (0 when not measured), and where known the CPU time (user + system) of
/// the timed region, the JIT's compile time inside it, the CPU time of the whole process (its start included), and
/// when each phase of a backup began (<see cref="PhaseClock"/>).
/// </summary>
internal sealed record Run(TimeSpan Time, long PeakRss, CpuTime? Cpu = null, TimeSpan? Jit = null, TimeSpan? ProcessCpu = null, string? Phases = null)
{
    /// <summary>Times an external command; its CPU time is that of the processes it started and waited for.</summary>
    public static Run OfCommand(string file, params string[] arguments)
    {
        var before = CpuTime.OfChildren();
        var time = Baselines.TimeCommand(file, arguments);
        return new Run(time, 0, CpuTime.OfChildren() - before);
    }

    /// <summary>The medians of the runs' CPU figures, e.g. <c>cpu 0.41 s (user 0.30, sys 0.11), jit 0.09 s, process cpu 0.52 s</c>.</summary>
    public static string CpuMedian(IReadOnlyList<Run> runs)
    {
        static TimeSpan Median(IEnumerable<TimeSpan> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        var cpu = runs.Where(r => r.Cpu is not null).Select(r => r.Cpu!.Value).ToList();
        if (cpu.Count == 0)
        {
            return "cpu -";
        }

        var text = new CpuTime(Median(cpu.Select(c => c.User)), Median(cpu.Select(c => c.Kernel))).ToString();
        if (runs.Any(r => r.Jit is not null))
        {
            text += string.Create(CultureInfo.InvariantCulture, $", jit {Median(runs.Select(r => r.Jit ?? TimeSpan.Zero)).TotalSeconds:F2} s");
        }

        if (runs.Any(r => r.ProcessCpu is not null))
        {
            text += string.Create(CultureInfo.InvariantCulture, $", process cpu {Median(runs.Select(r => r.ProcessCpu ?? TimeSpan.Zero)).TotalSeconds:F2} s");
        }

        return text;
    }
}
