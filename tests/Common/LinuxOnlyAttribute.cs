using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace ExternalBackup.Tests.Common;

/// <summary>
/// The test (or fixture) needs Linux; elsewhere (the Windows lane under Wine) it is skipped with
/// "Linux only: <see cref="Reason"/>". For a prerequisite that may be missing on Linux use
/// <c>TestPaths</c>' checks instead: those fail under CI.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class LinuxOnlyAttribute(string reason) : NUnitAttribute, IApplyToTest
{
    /// <summary>Why the test cannot run on Windows.</summary>
    public string Reason { get; } = reason;

    public void ApplyToTest(Test test)
    {
        if (test.RunState != RunState.NotRunnable && !OperatingSystem.IsLinux())
        {
            test.RunState = RunState.Skipped;
            test.Properties.Set(PropertyNames.SkipReason, $"Linux only: {Reason}");
        }
    }
}
