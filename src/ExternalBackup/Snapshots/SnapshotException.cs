namespace ExternalBackup.Snapshots;

/// <summary>A snapshot provider call failed; names the step, the provider and, where there is one, the HRESULT.</summary>
public sealed class SnapshotException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The step that failed.</param>
    /// <param name="message">What failed and why.</param>
    /// <param name="hResult">The provider's error code (VSS: the HRESULT), or 0.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public SnapshotException(SnapshotStep step, string message, int hResult = 0, Exception? inner = null)
        : base(hResult == 0 ? $"snapshot step {step} failed: {message}" : $"snapshot step {step} failed: {message} (0x{hResult:X8})", inner)
    {
        Step = step;
        HResult = hResult;
    }

    /// <summary>The step that failed.</summary>
    public SnapshotStep Step { get; }
}
