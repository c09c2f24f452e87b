using ExternalBackup.Snapshots;

namespace ExternalBackup.Testing.Snapshots;

/// <summary>Faults the provider model injects: a step fails with an error code on its n-th call, or an action runs just before a step (e.g. cancel a token).</summary>
public sealed class SnapshotFaultPlan
{
    private readonly Dictionary<SnapshotStep, (int Occurrence, int HResult)> _failures = [];
    private readonly Dictionary<SnapshotStep, Action> _before = [];
    private readonly Dictionary<SnapshotStep, int> _seen = [];
    private readonly Lock _gate = new();

    /// <summary>Makes the <paramref name="occurrence"/>-th call of <paramref name="step"/> fail with <paramref name="hResult"/> (default VSS_E_UNEXPECTED).</summary>
    public SnapshotFaultPlan FailAt(SnapshotStep step, int hResult = SnapshotModelErrors.Unexpected, int occurrence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        lock (_gate)
        {
            _failures[step] = (occurrence, hResult);
        }

        return this;
    }

    /// <summary>Runs <paramref name="action"/> before every call of <paramref name="step"/> (e.g. cancelling the backup's token).</summary>
    public SnapshotFaultPlan Before(SnapshotStep step, Action action)
    {
        lock (_gate)
        {
            _before[step] = action;
        }

        return this;
    }

    /// <summary>Counts a call of <paramref name="step"/>, runs its hook and returns the error code to fail it with, or 0.</summary>
    internal int Enter(SnapshotStep step)
    {
        Action? hook;
        int result = 0;
        lock (_gate)
        {
            _seen[step] = _seen.GetValueOrDefault(step) + 1;
            if (_failures.TryGetValue(step, out var f) && f.Occurrence == _seen[step])
            {
                result = f.HResult;
            }

            _before.TryGetValue(step, out hook);
        }

        hook?.Invoke();
        return result;
    }
}
