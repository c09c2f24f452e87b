using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace ExternalBackup.Tests.Common;

/// <summary>
/// The test (or fixture) needs Windows (the Windows lane runs it under Wine); elsewhere it is skipped with
/// "Windows only: <see cref="Reason"/>".
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class WindowsOnlyAttribute(string reason) : NUnitAttribute, IApplyToTest
{
    /// <summary>Why the test cannot run off Windows.</summary>
    public string Reason { get; } = reason;

    public void ApplyToTest(Test test)
    {
        if (test.RunState != RunState.NotRunnable && !OperatingSystem.IsWindows())
        {
            test.RunState = RunState.Skipped;
            test.Properties.Set(PropertyNames.SkipReason, $"Windows only: {Reason}");
        }
    }
}
