using System.Diagnostics;
using System.Globalization;
using ExternalBackup.Pipeline;

namespace ExternalBackup.Benchmarks.Measurement;

/// <summary>
/// Where a backup's time and CPU go: the wall time and CPU time (user + system) from the start of the timed region to
/// each phase change the backup reports (reported synchronously, on the reporting thread).
/// </summary>
internal sealed class PhaseClock : IProgress<BackupProgress>
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly CpuTime _cpu = CpuTime.OfSelf();
    private readonly List<(BackupPhase Phase, TimeSpan At, TimeSpan Cpu)> _changes = [];
    private BackupPhase? _last;

    /// <inheritdoc />
    public void Report(BackupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Phase != _last)
        {
            _last = value.Phase;
            _changes.Add((value.Phase, _watch.Elapsed, (CpuTime.OfSelf() - _cpu).Total));
        }
    }

    /// <summary>E.g. <c>logs@0.12s/0.20cpu committing@0.41s/0.55cpu</c>: each phase's start, wall and CPU seconds.</summary>
    public override string ToString() => string.Join(' ', _changes.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Phase.ToString().ToLowerInvariant()}@{c.At.TotalSeconds:F2}s/{c.Cpu.TotalSeconds:F2}cpu")));
}
