using System.Globalization;
using System.Runtime.InteropServices;

namespace ExternalBackup.Benchmarks.Measurement;

/// <summary>
/// CPU time (user and system) of this process or of its waited-for children (<c>getrusage</c>), and the JIT's share:
/// figures a shared machine's load does not change much, printed beside the wall-clock ratios.
/// </summary>
internal readonly partial record struct CpuTime(TimeSpan User, TimeSpan Kernel)
{
    private const int Self = 0; // RUSAGE_SELF
    private const int Children = -1; // RUSAGE_CHILDREN

    /// <summary>User plus system (kernel) time.</summary>
    public TimeSpan Total => User + Kernel;

    /// <summary>This process so far (every thread).</summary>
    public static CpuTime OfSelf() => Read(Self);

    /// <summary>Every child process this one has waited for so far (and their waited-for children).</summary>
    public static CpuTime OfChildren() => Read(Children);

    public static CpuTime operator -(CpuTime a, CpuTime b) => new(a.User - b.User, a.Kernel - b.Kernel);

    public static CpuTime operator +(CpuTime a, CpuTime b) => new(a.User + b.User, a.Kernel + b.Kernel);

    /// <summary>E.g. <c>cpu 0.41 s (user 0.30, sys 0.11)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cpu {Total.TotalSeconds:F2} s (user {User.TotalSeconds:F2}, sys {Kernel.TotalSeconds:F2})");

    private static CpuTime Read(int who)
    {
        if (!OperatingSystem.IsLinux())
        {
            var total = who == Self ? global::System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime : TimeSpan.Zero;
            return new CpuTime(total, TimeSpan.Zero);
        }

        var usage = default(RUsage);
        if (GetRUsage(who, ref usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed (errno {Marshal.GetLastPInvokeError()})");
        }

        static TimeSpan Of(TimeVal t) => TimeSpan.FromTicks((t.Seconds * 1_000_000 + t.Microseconds) * 10);
        return new CpuTime(Of(usage.User), Of(usage.System));
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRUsage(int who, ref RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        public fixed long Rest[14];
    }
}
